// MASK_PATH, READONLY_PATH (after pivot: paths are resolved inside "/", never through a
// magic link).
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "handlers.h"
#include "mounts.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

namespace {

// Opens path inside "/"; returns -1 when it does not exist (skipped), fails on other errors.
int open_existing(int rootfd, const char* path) {
  ResolveError e;
  int fd = resolve_in_root(rootfd, path, RESOLVE_NOCREATE, 0, &e);
  if (fd < 0) {
    if (e.err == ENOENT || e.err == ENOTDIR) return -1;
    fail(e.sys, e.err, path);
  }
  return fd;
}

int open_slash() {
  int fd = open_root("/");
  if (fd < 0) fail("open", -fd, "/");
  return fd;
}

}  // namespace

void op_mask_path(const Op& op) {
  const char* path = arg_str(op, 0);
  int rootfd = open_slash();
  int fd = open_existing(rootfd, path);
  if (fd < 0) { close(rootfd); return; }
  struct stat st;
  if (fstat(fd, &st) < 0) fail("fstat", errno, path);
  char tpath[32];
  fd_path(tpath, fd);
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", tpath, "tmpfs", MS_RDONLY, nullptr) < 0) fail("mount", errno, path);
  } else {
    // The source must really be /dev/null (CVE-2025-31133: a /dev/null replaced by a symlink
    // or another file would expose the target instead of masking it).
    ResolveError e;
    int null = resolve_in_root(rootfd, "/dev/null", RESOLVE_NOCREATE, 0, &e);
    if (null < 0) fail(e.sys, e.err, "/dev/null");
    struct stat ns;
    if (fstat(null, &ns) < 0) fail("fstat", errno, "/dev/null");
    if (!S_ISCHR(ns.st_mode) || major(ns.st_rdev) != 1 || minor(ns.st_rdev) != 3)
      fail("mount", EPERM, "/dev/null: not the char device 1:3");
    char spath[32];
    if (mount(fd_path(spath, null), tpath, nullptr, MS_BIND, nullptr) < 0)
      fail("mount", errno, path);
    close(null);
  }
  close(fd);
  close(rootfd);
}

void op_readonly_path(const Op& op) {
  const char* path = arg_str(op, 0);
  int rootfd = open_slash();
  int fd = open_existing(rootfd, path);
  if (fd < 0) { close(rootfd); return; }
  char p[32];
  fd_path(p, fd);
  if (mount(p, p, nullptr, MS_BIND | MS_REC, nullptr) < 0) fail("mount", errno, path);
  close(fd);
  // Re-resolve to reach the new bind mount (the old fd is the directory under it).
  ResolveError e;
  fd = resolve_in_root(rootfd, path, RESOLVE_NOCREATE, 0, &e);
  if (fd < 0) fail(e.sys, e.err, path);
  unsigned long flags;
  if (!mount_flags_of(fd, &flags)) fail("statfs", errno, path);
  flags &= MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME;
  if (mount(nullptr, fd_path(p, fd), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, nullptr) < 0)
    fail("mount", errno, path);
  close(fd);
  close(rootfd);
}
