// MOUNT, MOUNT_IN_ROOT, MOUNT_SETATTR_IN_ROOT, REMOUNT_RO.
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

namespace {

// <linux/mount.h> conflicts with <sys/mount.h> on glibc 2.36; the struct is stable ABI.
struct berth_mount_attr {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

const unsigned long kPropagation = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;

const char* opt(const char* s) { return s[0] ? s : nullptr; }

int root_or_fail(const char* root) {
  int fd = open_root(root);
  if (fd < 0) fail("open", -fd, root);
  return fd;
}

}  // namespace

// A bind source inside the rootfs is resolved inside it, like a target: a symlink the
// container's files hold on the way (or swap in meanwhile) cannot lead the bind to a host path.
// Any other source is a host path the bundle's author chose.
int open_bind_source(int rootfd, const char* root, const char* src) {
  size_t rlen = strlen(root);
  while (rlen > 1 && root[rlen - 1] == '/') rlen--;
  int fd;
  if (strncmp(src, root, rlen) == 0 && src[rlen] == '/') {
    ResolveError e;
    fd = resolve_in_root(rootfd, src + rlen, RESOLVE_NOCREATE, 0, &e);
    if (fd < 0) fail(e.sys, e.err, src);
  } else {
    fd = open(src, O_PATH | O_CLOEXEC);
    if (fd < 0) fail("open", errno, src);
  }
  return fd;
}

bool mount_flags_of(int fd, unsigned long* flags) {
  struct statfs st;
  if (fstatfs(fd, &st) < 0) return false;
  static const struct { unsigned long st, ms; } map[] = {
      {ST_RDONLY, MS_RDONLY},       {ST_NOSUID, MS_NOSUID},         {ST_NODEV, MS_NODEV},
      {ST_NOEXEC, MS_NOEXEC},       {ST_SYNCHRONOUS, MS_SYNCHRONOUS}, {ST_MANDLOCK, MS_MANDLOCK},
      {ST_NOATIME, MS_NOATIME},     {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME},
  };
  unsigned long f = 0;
  for (auto& m : map)
    if ((unsigned long)st.f_flags & m.st) f |= m.ms;
  *flags = f;
  return true;
}

void op_mount(const Op& op) {
  const char* src = arg_str(op, 0);
  const char* dst = arg_str(op, 1);
  const char* fstype = arg_str(op, 2);
  unsigned long flags = (unsigned long)arg_num(op, 3);
  const char* data = arg_str(op, 4);
  if (mount(opt(src), dst, opt(fstype), flags, opt(data)) < 0) fail("mount", errno, dst);
}

// One mount(2) of what the flags say, on the fd of the target resolved inside the root.
// Flags that mount(2) cannot apply in the same call are applied the way the kernel needs them:
// a bind mount's per-mount flags (ro, nosuid, ...) by a MS_REMOUNT|MS_BIND on the new mount,
// and propagation flags (MS_PRIVATE, ...) by a separate call.
void op_mount_in_root(const Op& op) {
  const char* root = arg_str(op, 0);
  const char* src = arg_str(op, 1);
  const char* dst = arg_str(op, 2);
  const char* fstype = arg_str(op, 3);
  unsigned long flags = (unsigned long)arg_num(op, 4);
  const char* data = arg_str(op, 5);
  bool file = strcmp(arg_str(op, 6), "file") == 0;

  int rootfd = root_or_fail(root);
  ResolveError e;
  int target = resolve_in_root(rootfd, dst, file ? RESOLVE_MKFILE : RESOLVE_MKDIR,
                               file ? 0644 : 0755, &e);
  if (target < 0) fail(e.sys, e.err, dst);

  unsigned long prop = flags & kPropagation;
  unsigned long base = flags & ~kPropagation;
  char tpath[32], spath[32];
  fd_path(tpath, target);

  bool prop_only = prop && (base & ~MS_REC) == 0 && !src[0] && !fstype[0];
  if (!prop_only) {
    const char* source = opt(src);
    int srcfd = -1;
    if ((base & MS_BIND) && src[0]) {
      srcfd = open_bind_source(rootfd, root, src);
      source = fd_path(spath, srcfd);
    }
    if (mount(source, tpath, opt(fstype), base, opt(data)) < 0)
      fail("mount", errno, (base & MS_BIND) && src[0] ? src : dst);
    if (srcfd >= 0) close(srcfd);
  }

  unsigned long extra = base & ~(MS_BIND | MS_REC | MS_REMOUNT | MS_SILENT);
  if (((base & MS_BIND) && !(base & MS_REMOUNT) && extra) || prop) {
    // Re-resolve: the fd above is the directory under the new mount, not the mount.
    int top = resolve_in_root(rootfd, dst, RESOLVE_NOCREATE, 0, &e);
    if (top < 0) fail(e.sys, e.err, dst);
    char ppath[32];
    fd_path(ppath, top);
    if ((base & MS_BIND) && !(base & MS_REMOUNT) && extra) {
      if (mount(nullptr, ppath, nullptr, MS_REMOUNT | MS_BIND | extra, nullptr) < 0)
        fail("mount", errno, dst);
    }
    if (prop && mount(nullptr, ppath, nullptr, prop | (flags & MS_REC), nullptr) < 0)
      fail("mount", errno, dst);
    close(top);
  }
  close(target);
  close(rootfd);
}

void op_mount_setattr_in_root(const Op& op) {
  const char* root = arg_str(op, 0);
  const char* dst = arg_str(op, 1);
  struct berth_mount_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.attr_set = (uint64_t)arg_num(op, 2);
  attr.attr_clr = (uint64_t)arg_num(op, 3);
  attr.propagation = (uint64_t)arg_num(op, 4);
  bool recursive = arg_bool(op, 5);

  int rootfd = root_or_fail(root);
  ResolveError e;
  int fd = resolve_in_root(rootfd, dst, RESOLVE_NOCREATE, 0, &e);
  if (fd < 0) fail(e.sys, e.err, dst);
  unsigned int at = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  if (syscall(SYS_mount_setattr, fd, "", at, &attr, sizeof attr) < 0)
    fail("mount_setattr", errno, dst);
  close(fd);
  close(rootfd);
}

void op_remount_ro(const Op& op) {
  const char* path = arg_str(op, 0);
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) fail("open", errno, path);
  unsigned long flags;
  if (!mount_flags_of(fd, &flags)) fail("statfs", errno, path);
  char p[32];
  if (mount(nullptr, fd_path(p, fd), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | flags, nullptr) < 0)
    fail("mount", errno, path);
  close(fd);
}
