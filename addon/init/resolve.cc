#include "resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

int openat2_in_root(int rootfd, const char* path) {
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (;;) {
    long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
    if (fd >= 0) return (int)fd;
    if (errno != EAGAIN && errno != EINTR) return -1;  // EAGAIN: a rename raced the lookup
  }
}

bool is_root_path(const char* p) {
  for (; *p; p++)
    if (*p != '/' && !(p[0] == '.' && (p[1] == '/' || p[1] == 0))) return false;
  return true;
}

int set_err(ResolveError* e, const char* sys, int err) {
  e->sys = sys;
  e->err = err;
  return -1;
}

}  // namespace

int open_root(const char* root) {
  int fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int resolve_in_root(int rootfd, const char* path, ResolveCreate create, mode_t mode,
                    ResolveError* e) {
  if (is_root_path(path)) {
    int fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
    return fd < 0 ? set_err(e, "fcntl", errno) : fd;
  }
  int fd = openat2_in_root(rootfd, path);
  if (fd >= 0) return fd;
  if (errno != ENOENT || create == RESOLVE_NOCREATE) return set_err(e, "openat2", errno);

  // Walk the path: every prefix is resolved from the root (so symlinks met on the way are
  // resolved inside it); a missing component is made relative to the fd of its resolved
  // parent, never through a path string. A dangling symlink is followed inside the root (its
  // target is made there), like runc does for e.g. /etc/resolv.conf -> ../run/...
  char prefix[4096];  // resolved-so-far, relative to the root
  char rest[4096];    // what is left to walk
  size_t plen = 0;
  prefix[0] = 0;
  if (strlen(path) >= sizeof rest) return set_err(e, "openat2", ENAMETOOLONG);
  strcpy(rest, path);
  int hops = 0;
  int parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
  if (parent < 0) return set_err(e, "fcntl", errno);
  const char* p = rest;
  for (;;) {
    while (*p == '/') p++;
    if (!*p) break;
    const char* end = p;
    while (*end && *end != '/') end++;
    size_t clen = (size_t)(end - p);
    const char* after = end;
    while (*after == '/') after++;
    bool last = *after == 0;
    if (clen == 1 && p[0] == '.') { p = end; continue; }
    char comp[256];
    if (clen >= sizeof comp || plen + clen + 2 > sizeof prefix) {
      close(parent);
      return set_err(e, "openat2", ENAMETOOLONG);
    }
    memcpy(comp, p, clen);
    comp[clen] = 0;
    size_t saved_plen = plen;
    if (plen) prefix[plen++] = '/';
    memcpy(prefix + plen, comp, clen + 1);
    plen += clen;

    int next = openat2_in_root(rootfd, prefix);
    if (next < 0 && errno == ENOENT && strcmp(comp, "..") != 0) {
      int r;
      if (last && create == RESOLVE_MKFILE) {
        r = openat(parent, comp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOCTTY, mode);
        if (r >= 0) close(r);
      } else {
        r = mkdirat(parent, comp, last ? mode : 0755);
      }
      if (r < 0 && errno != EEXIST) {
        int er = errno;
        close(parent);
        return set_err(e, last && create == RESOLVE_MKFILE ? "openat" : "mkdirat", er);
      }
      struct stat st;
      if (r < 0 && fstatat(parent, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        // Dangling symlink: continue with its target (then the rest) inside the root.
        char target[4096];
        ssize_t tl = readlinkat(parent, comp, target, sizeof target - 1);
        if (tl < 0) { int er = errno; close(parent); return set_err(e, "readlinkat", er); }
        target[tl] = 0;
        if (++hops > 40) { close(parent); return set_err(e, "openat2", ELOOP); }
        size_t alen = strlen(after);
        if ((size_t)tl + 1 + alen + 1 > sizeof rest) { close(parent); return set_err(e, "openat2", ENAMETOOLONG); }
        char tmp[4096];
        memcpy(tmp, target, (size_t)tl);
        tmp[tl] = '/';
        memcpy(tmp + tl + 1, after, alen + 1);
        memcpy(rest, tmp, (size_t)tl + 1 + alen + 1);
        p = rest;
        if (target[0] == '/') {  // absolute: from the root again
          close(parent);
          parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
          if (parent < 0) return set_err(e, "fcntl", errno);
          plen = 0;
        } else {  // relative: from the directory holding the link
          plen = saved_plen;
        }
        prefix[plen] = 0;
        continue;
      }
      next = openat2_in_root(rootfd, prefix);
    }
    if (next < 0) { int er = errno; close(parent); return set_err(e, "openat2", er); }
    close(parent);
    parent = next;
    p = end;
  }
  return parent;
}

int resolve_parent_in_root(int rootfd, const char* path, bool mkdir_parents, char* name,
                           size_t namelen, ResolveError* e) {
  size_t len = strlen(path);
  while (len > 0 && path[len - 1] == '/') len--;
  size_t start = len;
  while (start > 0 && path[start - 1] != '/') start--;
  size_t nlen = len - start;
  if (nlen == 0 || (nlen == 1 && path[start] == '.') ||
      (nlen == 2 && path[start] == '.' && path[start + 1] == '.'))
    return set_err(e, "openat2", EINVAL);
  if (nlen >= namelen) return set_err(e, "openat2", ENAMETOOLONG);
  memcpy(name, path + start, nlen);
  name[nlen] = 0;
  char dir[4096];
  if (start >= sizeof dir) return set_err(e, "openat2", ENAMETOOLONG);
  memcpy(dir, path, start);
  dir[start] = 0;
  return resolve_in_root(rootfd, dir, mkdir_parents ? RESOLVE_MKDIR : RESOLVE_NOCREATE, 0755, e);
}
