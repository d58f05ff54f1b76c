#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "report.h"

namespace {

// <linux/mount.h> conflicts with <sys/mount.h> on glibc 2.36; the values are stable ABI.
const unsigned kFsopenCloexec = 0x1, kFsconfigCmdCreate = 6, kFsmountCloexec = 0x1;
const unsigned kMountAttrNosuid = 0x2, kMountAttrNodev = 0x4, kMountAttrNoexec = 0x8;
const ino_t kProcRootIno = 1;  // PROC_ROOT_INO

bool is_procfs(int fd) {
  struct statfs st;
  return fstatfs(fd, &st) == 0 && st.f_type == PROC_SUPER_MAGIC;
}

// A new, detached procfs instance for the caller's pid namespace: nothing can be mounted on it.
int fresh_procfs() {
  int fs = (int)syscall(SYS_fsopen, "proc", kFsopenCloexec);
  if (fs < 0) return -1;
  int mnt = -1;
  if (syscall(SYS_fsconfig, fs, kFsconfigCmdCreate, nullptr, nullptr, 0) == 0)
    mnt = (int)syscall(SYS_fsmount, fs, kFsmountCloexec, kMountAttrNosuid | kMountAttrNodev | kMountAttrNoexec);
  int e = errno;
  close(fs);
  errno = e;
  return mnt;
}

// The procfs root to resolve under, or -1 (errno set, *sys the failing call).
int procfs_root(const char** sys) {
  int fd = fresh_procfs();
  if (fd >= 0) return fd;
  // No fresh instance (an older kernel, a user namespace the kernel refuses it in, a seccomp
  // filter): /proc of the current root, which must be the root of a procfs, not a dir or file
  // mounted over it.
  fd = open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) { *sys = "open"; return -1; }
  struct stat st;
  if (fstat(fd, &st) < 0 || !is_procfs(fd) || st.st_ino != kProcRootIno) {
    close(fd);
    *sys = "statfs";
    errno = EXDEV;
    return -1;
  }
  return fd;
}

}  // namespace

int proc_open_write(const char* path, const char** sys) {
  if (strncmp(path, "/proc/", 6) != 0 || !path[6]) { *sys = "plan"; errno = EINVAL; return -1; }
  int root = procfs_root(sys);
  if (root < 0) return -1;
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = O_WRONLY | O_CLOEXEC | O_NOCTTY;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS;
  long fd;
  do fd = syscall(SYS_openat2, root, path + 6, &how, sizeof how); while (fd < 0 && (errno == EAGAIN || errno == EINTR));
  int e = errno;
  close(root);
  if (fd < 0) { *sys = "openat2"; errno = e; return -1; }
  if (!is_procfs((int)fd)) {  // belt and braces: NO_XDEV already kept it on this procfs
    close((int)fd);
    *sys = "statfs";
    errno = EXDEV;
    return -1;
  }
  return (int)fd;
}

void proc_write_or_fail(const char* path, const char* content, size_t len) {
  const char* sys = "open";
  int fd = proc_open_write(path, &sys);
  if (fd < 0) fail(sys, errno, path);
  ssize_t n;
  do n = write(fd, content, len); while (n < 0 && errno == EINTR);
  if (n < 0) fail("write", errno, path);
  if ((size_t)n != len) fail("write", EIO, path);
  close(fd);
}
