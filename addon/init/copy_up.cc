// TMPCOPYUP: a tmpfs mount that starts with a copy of what the rootfs had at its destination
// (the "tmpcopyup" mount option of runc and crun).
//
// The destination is resolved inside the root (RESOLVE_IN_ROOT, made when missing) and the
// directory there is opened *before* the tmpfs is mounted over it: that fd keeps reading the
// old directory underneath the new mount. The new mount's root is then resolved inside the root
// again and the tree is copied fd to fd: every entry is opened relative to its parent's fd with
// O_NOFOLLOW (names come from getdents, never contain "/"), so no symlink is ever followed,
// inside the rootfs or out of it. Regular files (content), directories, symlinks (their target
// text), fifos and device nodes are copied with their mode, owner and timestamps; sockets are
// skipped; hard links become separate files; extended attributes are not copied.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

namespace {

// The path being copied, relative to the mount's destination, for error details.
struct Where {
  char buf[4096];
  size_t len;
};

[[noreturn]] void fail_at(const char* sys, int err, const Where& w) { fail(sys, err, w.buf); }

// Appends "/name" to w; returns the previous length (to restore).
size_t push(Where& w, const char* name) {
  size_t old = w.len;
  size_t n = strlen(name);
  if (w.len + 1 + n >= sizeof w.buf) fail("copy", ENAMETOOLONG, w.buf);
  w.buf[w.len++] = '/';
  memcpy(w.buf + w.len, name, n + 1);
  w.len += n;
  return old;
}

void pop(Where& w, size_t old) {
  w.len = old;
  w.buf[old] = 0;
}

// Owner, mode (after the owner: chown clears set-id bits) and times, on an open file or dir.
void copy_attrs_fd(int fd, const struct stat& st, const Where& w) {
  if (fchown(fd, st.st_uid, st.st_gid) < 0) fail_at("fchown", errno, w);
  if (fchmod(fd, st.st_mode & 07777) < 0) fail_at("fchmod", errno, w);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (futimens(fd, times) < 0) fail_at("futimens", errno, w);
}

// The same for an entry of `dir` that cannot be opened (a symlink, a fifo, a device node),
// made by this op a moment ago in the new tmpfs.
void copy_attrs_at(int dir, const char* name, const struct stat& st, bool link, const Where& w) {
  int nofollow = link ? AT_SYMLINK_NOFOLLOW : 0;
  if (fchownat(dir, name, st.st_uid, st.st_gid, nofollow) < 0) fail_at("fchownat", errno, w);
  if (!link && fchmodat(dir, name, st.st_mode & 07777, 0) < 0) fail_at("fchmodat", errno, w);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (utimensat(dir, name, times, nofollow) < 0) fail_at("utimensat", errno, w);
}

void copy_file(int from_dir, int to_dir, const char* name, const struct stat& st, const Where& w) {
  int in = openat(from_dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) fail_at("openat", errno, w);
  int out = openat(to_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) fail_at("openat", errno, w);
  for (;;) {
    ssize_t n = copy_file_range(in, nullptr, out, nullptr, 1 << 30, 0);
    if (n == 0) break;
    if (n > 0) continue;
    if (errno == EINTR) continue;
    if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
      fail_at("copy_file_range", errno, w);
    // A filesystem pair copy_file_range does not serve: read and write.
    char buf[65536];
    for (;;) {
      ssize_t r = read(in, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) fail_at("read", errno, w);
      if (r == 0) break;
      int werr = write_all(out, buf, (size_t)r);
      if (werr < 0) fail_at("write", -werr, w);
    }
    break;
  }
  close(in);
  copy_attrs_fd(out, st, w);
  close(out);
}

void copy_tree(int from, int to, Where& w);

void copy_entry(int from, int to, const char* name, Where& w) {
  struct stat st;
  if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0) fail_at("fstatat", errno, w);
  switch (st.st_mode & S_IFMT) {
    case S_IFDIR: {
      if (mkdirat(to, name, 0700) < 0) fail_at("mkdirat", errno, w);
      int sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub_from < 0) fail_at("openat", errno, w);
      int sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub_to < 0) fail_at("openat", errno, w);
      copy_tree(sub_from, sub_to, w);  // closes sub_from
      copy_attrs_fd(sub_to, st, w);  // after the contents: making them sets the mtime
      close(sub_to);
      return;
    }
    case S_IFREG:
      copy_file(from, to, name, st, w);
      return;
    case S_IFLNK: {
      char target[4096];
      ssize_t n = readlinkat(from, name, target, sizeof target - 1);
      if (n < 0) fail_at("readlinkat", errno, w);
      target[n] = 0;
      if (symlinkat(target, to, name) < 0) fail_at("symlinkat", errno, w);
      copy_attrs_at(to, name, st, true, w);
      return;
    }
    case S_IFIFO:
    case S_IFCHR:
    case S_IFBLK:
      if (mknodat(to, name, st.st_mode, st.st_rdev) < 0) fail_at("mknodat", errno, w);
      copy_attrs_at(to, name, st, false, w);
      return;
    default:
      return;  // a socket: it belongs to a process, not to the image
  }
}

// Copies the entries of directory fd `from` into directory fd `to`; closes `from`.
void copy_tree(int from, int to, Where& w) {
  DIR* d = fdopendir(from);
  if (!d) fail_at("fdopendir", errno, w);
  for (;;) {
    errno = 0;
    struct dirent* ent = readdir(d);
    if (!ent) {
      if (errno) fail_at("readdir", errno, w);
      break;
    }
    if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0) continue;
    size_t old = push(w, ent->d_name);
    copy_entry(dirfd(d), to, ent->d_name, w);
    pop(w, old);
  }
  closedir(d);
}

}  // namespace

// args: root, dst, flags, data, keep_mode, keep_owner
void op_tmpcopyup(const Op& op) {
  const char* root = arg_str(op, 0);
  const char* dst = arg_str(op, 1);
  unsigned long flags = (unsigned long)arg_num(op, 2);
  const char* data = arg_str(op, 3);
  bool keep_mode = arg_bool(op, 4);
  bool keep_owner = arg_bool(op, 5);

  int rootfd = open_root(root);
  if (rootfd < 0) fail("open", -rootfd, root);
  ResolveError e;
  int target = resolve_in_root(rootfd, dst, RESOLVE_MKDIR, 0755, &e);
  if (target < 0) fail(e.sys, e.err, dst);
  // The old directory, still readable once the tmpfs hides it.
  int old = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (old < 0) fail("openat", errno, dst);
  struct stat top;
  if (fstat(old, &top) < 0) fail("fstat", errno, dst);

  char tpath[32];
  if (mount("tmpfs", fd_path(tpath, target), "tmpfs", flags, data[0] ? data : nullptr) < 0)
    fail("mount", errno, dst);
  close(target);

  // The new mount's root: resolved again (the fd above is the directory under it).
  int mnt = resolve_in_root(rootfd, dst, RESOLVE_NOCREATE, 0, &e);
  if (mnt < 0) fail(e.sys, e.err, dst);
  int fresh = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fresh < 0) fail("openat", errno, dst);
  close(mnt);
  close(rootfd);

  if (keep_owner && fchown(fresh, top.st_uid, top.st_gid) < 0) fail("fchown", errno, dst);
  if (keep_mode && fchmod(fresh, top.st_mode & 07777) < 0) fail("fchmod", errno, dst);
  Where w;
  size_t n = strlen(dst);
  if (n >= sizeof w.buf) fail("copy", ENAMETOOLONG, dst);
  memcpy(w.buf, dst, n + 1);
  w.len = n;
  copy_tree(old, fresh, w);  // closes old
  struct timespec times[2] = {top.st_atim, top.st_mtim};
  if (futimens(fresh, times) < 0) fail("futimens", errno, dst);
  close(fresh);
}
