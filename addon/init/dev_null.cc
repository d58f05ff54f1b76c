// REOPEN_DEV_NULL (after pivot): a stdio fd that is the host's /dev/null (char device 1:3 on a
// mount outside the container) is replaced by the container's own /dev/null, as runc does
// (libcontainer's reOpenDevNull). Besides tidiness this is what lets CRIU checkpoint the
// container: it cannot dump a file whose mount is not in the container's mount namespace.
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

namespace {

bool is_dev_null(const struct stat& st) {
  return S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 3;
}

}  // namespace

void op_reopen_dev_null(const Op&) {
  int rootfd = open_root("/");
  if (rootfd < 0) fail("open", -rootfd, "/");
  ResolveError e;
  int null = resolve_in_root(rootfd, "/dev/null", RESOLVE_NOCREATE, 0, &e);
  close(rootfd);
  // A container without /dev/null keeps what it was given.
  if (null < 0) return;
  struct stat ns;
  if (fstat(null, &ns) < 0) fail("fstat", errno, "/dev/null");
  close(null);
  if (!is_dev_null(ns)) return;
  for (int fd = 0; fd <= 2; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0 || !is_dev_null(st) || st.st_dev == ns.st_dev) continue;
    // Opened by name (not the O_PATH fd) with the access mode the fd had.
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) fail("fcntl", errno, "stdio");
    int nfd = open("/dev/null", (flags & O_ACCMODE) | O_CLOEXEC);
    // A /dev mounted nodev (or an LSM) refuses it: the fd stays as it was given.
    if (nfd < 0 && (errno == EACCES || errno == EPERM)) return;
    if (nfd < 0) fail("open", errno, "/dev/null");
    if (dup3(nfd, fd, 0) < 0) fail("dup3", errno, "/dev/null");
    close(nfd);
  }
}
