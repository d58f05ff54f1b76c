// The kernel allows a new procfs or sysfs mount by a process that is not root in the initial
// user namespace only while a fully visible one is reachable in its mount namespace
// (mount_too_revealing in fs/namespace.c). After pivot_root the old root and everything under
// it is detached; with MS_MOVE + chroot it stays, so the host's /proc and /sys must go first.
#include "host_mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "report.h"

namespace {

// The whole of /proc/self/mountinfo (NUL-terminated, malloc'd); fails the op on error.
char* read_mountinfo() {
  int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", errno, "/proc/self/mountinfo");
  size_t cap = 16384, len = 0;
  char* buf = (char*)malloc(cap);
  if (!buf) fail("malloc", ENOMEM, "/proc/self/mountinfo");
  for (;;) {
    if (cap - len < 4096) {
      char* nb = (char*)realloc(buf, cap * 2);
      if (!nb) fail("realloc", ENOMEM, "/proc/self/mountinfo");
      buf = nb;
      cap *= 2;
    }
    ssize_t n = read(fd, buf + len, cap - len - 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read", errno, "/proc/self/mountinfo");
    if (n == 0) break;
    len += (size_t)n;
  }
  close(fd);
  buf[len] = 0;
  return buf;
}

// Decodes mountinfo's octal escapes (\040 for a space, ...) in place.
void unescape(char* s) {
  char* out = s;
  for (char* p = s; *p;) {
    if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
      *out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
      p += 4;
    } else {
      *out++ = *p++;
    }
  }
  *out = 0;
}

// Splits line into space-separated fields (in place); returns how many (at most max).
int split(char* line, char** f, int max) {
  int n = 0;
  for (char* p = line; *p && n < max;) {
    while (*p == ' ') *p++ = 0;
    if (!*p) break;
    f[n++] = p;
    while (*p && *p != ' ') p++;
  }
  return n;
}

bool inside(const char* path, const char* root) {
  size_t n = strlen(root);
  if (n == 1 && root[0] == '/') return true;
  return strncmp(path, root, n) == 0 && (path[n] == 0 || path[n] == '/');
}

void hide(const char* mp) {
  // Not a mount any more (a parent was detached before it: ENOENT or EINVAL): nothing to do.
  if (mount(nullptr, mp, nullptr, MS_SLAVE | MS_REC, nullptr) < 0) {
    if (errno == ENOENT || errno == EINVAL) return;
    fail("mount", errno, mp);
  }
  if (umount2(mp, MNT_DETACH) == 0) return;
  if (errno != EINVAL && errno != EPERM) fail("umount2", errno, mp);
  if (mount("tmpfs", mp, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0") < 0)
    fail("mount", errno, mp);
}

}  // namespace

void hide_host_proc_sys(const char* root) {
  char real[PATH_MAX];
  if (!realpath(root, real)) fail("realpath", errno, root);
  char* info = read_mountinfo();
  for (char* line = info; line && *line;) {
    char* next = strchr(line, '\n');
    if (next) *next++ = 0;
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    char* f[64];
    int n = split(line, f, 64);
    int dash = -1;
    for (int i = 6; i < n; i++)
      if (strcmp(f[i], "-") == 0) { dash = i; break; }
    if (n >= 5 && dash > 0 && dash + 1 < n && strcmp(f[3], "/") == 0 &&
        (strcmp(f[dash + 1], "proc") == 0 || strcmp(f[dash + 1], "sysfs") == 0)) {
      unescape(f[4]);
      if (!inside(f[4], real)) hide(f[4]);
    }
    line = next;
  }
  free(info);
}
