// MKNOD_IN_ROOT, SYMLINK_IN_ROOT, MKDIR_IN_ROOT.
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

int root_or_fail(const char* root) {
  int fd = open_root(root);
  if (fd < 0) fail("open", -fd, root);
  return fd;
}

}  // namespace

void op_mknod_in_root(const Op& op) {
  const char* root = arg_str(op, 0);
  const char* path = arg_str(op, 1);
  mode_t mode = (mode_t)arg_num(op, 2);
  unsigned maj = (unsigned)arg_num(op, 3);
  unsigned min = (unsigned)arg_num(op, 4);
  uid_t uid = (uid_t)arg_num(op, 5);
  gid_t gid = (gid_t)arg_num(op, 6);
  dev_t dev = makedev(maj, min);

  int rootfd = root_or_fail(root);
  char name[256];
  ResolveError e;
  int dir = resolve_parent_in_root(rootfd, path, true, name, sizeof name, &e);
  if (dir < 0) fail(e.sys, e.err, path);
  if (mknodat(dir, name, mode, dev) < 0) {
    int er = errno;
    struct stat st;
    // An existing node is accepted only when it is the very same device.
    if (er != EEXIST || fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        (st.st_mode & S_IFMT) != (mode & S_IFMT) || ((mode & S_IFMT) != S_IFIFO && st.st_rdev != dev))
      fail("mknodat", er, path);
  }
  // Exact permissions whatever the umask; through an O_PATH fd (never following a symlink).
  int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) fail("openat", errno, path);
  char p[32];
  if (chmod(fd_path(p, fd), mode & 07777) < 0) fail("chmod", errno, path);
  if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0) fail("fchownat", errno, path);
  close(fd);
  close(dir);
  close(rootfd);
}

void op_symlink_in_root(const Op& op) {
  const char* root = arg_str(op, 0);
  const char* target = arg_str(op, 1);
  const char* path = arg_str(op, 2);
  int rootfd = root_or_fail(root);
  char name[256];
  ResolveError e;
  int dir = resolve_parent_in_root(rootfd, path, true, name, sizeof name, &e);
  if (dir < 0) fail(e.sys, e.err, path);
  if (symlinkat(target, dir, name) < 0 && errno != EEXIST) fail("symlinkat", errno, path);
  close(dir);
  close(rootfd);
}

void op_mkdir_in_root(const Op& op) {
  const char* root = arg_str(op, 0);
  const char* path = arg_str(op, 1);
  // Octal digits, like UMASK: src/plan/rootfs.ts sends "755" (docs/PLAN-FORMAT.md does not say).
  mode_t mode = (mode_t)arg_octal(op, 2);
  int rootfd = root_or_fail(root);
  ResolveError e;
  int fd = resolve_in_root(rootfd, path, RESOLVE_MKDIR, mode & 07777, &e);
  if (fd < 0) fail(e.sys, e.err, path);
  close(fd);
  close(rootfd);
}
