// IDMAP_TREE (stage A) and MOVE_MOUNT_IN_ROOT (stage B): idmapped bind mounts.
//
// A mount is idmapped with mount_setattr(MOUNT_ATTR_IDMAP) and a user namespace whose id maps
// say how the ids on disk appear through the mount (mount_setattr(2)). The kernel allows it
// only on a detached mount (open_tree OPEN_TREE_CLONE, never yet attached anywhere) and only to
// a caller with CAP_SYS_ADMIN over the filesystem's user namespace: the host's, for a host
// filesystem. So stage A, still in the runtime's namespaces, makes each detached idmapped tree
// and keeps its fd; stage B, which inherits the fd table and memory, attaches it with
// move_mount at the target resolved inside its rootfs, in config order with the other mounts.
// The user namespace that carries the maps is made by a short-lived child of A (unshare
// CLONE_NEWUSER, maps written from A through the procfs handle, /proc/PID/ns/user opened) and
// reaped at once; an open namespace fd keeps the namespace alive without any process in it.
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "handlers.h"
#include "mounts.h"
#include "procfs.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

namespace {

// <linux/mount.h> conflicts with <sys/mount.h> on glibc 2.36; the values are stable ABI.
const unsigned kOpenTreeClone = 1, kOpenTreeCloexec = O_CLOEXEC;
const unsigned kAtRecursive = 0x8000;
const unsigned kMoveMountFEmptyPath = 0x4, kMoveMountTEmptyPath = 0x40;
const uint64_t kMountAttrIdmap = 0x00100000;

struct berth_mount_attr {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

// The detached trees by slot (stage A fills it; stage B, a copy of A, empties it).
int* g_trees = nullptr;
size_t g_ntrees = 0;

// User namespaces already made, by their maps: mounts with the same maps share one.
struct MappedNs {
  const char* uid_map;  // pointers into the plan arena
  const char* gid_map;
  int fd;
  MappedNs* next;
};
MappedNs* g_userns = nullptr;

void store_tree(long long slot, int fd) {
  if (slot < 0 || slot > 4096) failf("plan", EINVAL, "idmap slot %lld", slot);
  if ((size_t)slot >= g_ntrees) {
    size_t n = (size_t)slot + 1;
    int* t = (int*)realloc(g_trees, n * sizeof *t);
    if (!t) fail("realloc", ENOMEM, "idmap slots");
    for (size_t i = g_ntrees; i < n; i++) t[i] = -1;
    g_trees = t;
    g_ntrees = n;
  }
  if (g_trees[slot] >= 0) failf("plan", EINVAL, "idmap slot %lld used twice", slot);
  g_trees[slot] = fd;
}

// Writes one map of the helper child; on failure ends the child and fails the op.
void write_map(pid_t child, int hold, const char* file, const char* content) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)child, file);
  const char* sys = "open";
  int fd = proc_open_write(path, &sys);
  int err = errno;
  if (fd >= 0) {
    size_t len = strlen(content);
    ssize_t n;
    do n = write(fd, content, len); while (n < 0 && errno == EINTR);
    err = n < 0 ? errno : (size_t)n != len ? EIO : 0;
    sys = "write";
    close(fd);
    if (err == 0) return;
  }
  close(hold);
  kill(child, SIGKILL);
  while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {}
  fail(sys, err, path);
}

// A new user namespace with these maps (lines "inside outside count"), as an fd.
int make_userns(const char* uid_map, const char* gid_map) {
  for (MappedNs* m = g_userns; m; m = m->next)
    if (strcmp(m->uid_map, uid_map) == 0 && strcmp(m->gid_map, gid_map) == 0) return m->fd;

  // The child holds the namespace until A closes its end of the pipe (or dies).
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) fail("pipe2", errno, "idmap user namespace");
  pid_t child = raw_fork(CLONE_NEWUSER | SIGCHLD);
  if (child < 0) fail("clone", errno, "CLONE_NEWUSER (idmap user namespace)");
  if (child == 0) {
    close(p[1]);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char c;
    while (read(p[0], &c, 1) < 0 && errno == EINTR) {}
    _exit(0);
  }
  close(p[0]);
  write_map(child, p[1], "uid_map", uid_map);
  write_map(child, p[1], "gid_map", gid_map);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/user", (int)child);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  int err = errno;
  close(p[1]);
  while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {}
  if (fd < 0) fail("open", err, path);

  MappedNs* m = (MappedNs*)malloc(sizeof *m);
  if (!m) fail("malloc", ENOMEM, "idmap user namespace");
  *m = MappedNs{uid_map, gid_map, fd, g_userns};
  g_userns = m;
  return fd;
}

// A user namespace given by path (the container's, joined by path).
int open_userns(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", errno, path);
  int type = ioctl(fd, NS_GET_NSTYPE);
  if (type < 0) fail("ioctl NS_GET_NSTYPE", errno == ENOTTY ? EINVAL : errno, path);
  if (type != CLONE_NEWUSER) failf("open", EINVAL, "%s is not a user namespace", path);
  return fd;
}

}  // namespace

// IDMAP_TREE slot, root, src, clone_recursive, idmap_recursive, uid_map, gid_map, userns_path
void op_idmap_tree(const Op& op) {
  long long slot = arg_num(op, 0);
  const char* root = arg_str(op, 1);
  const char* src = arg_str(op, 2);
  bool clone_rec = arg_bool(op, 3);
  bool idmap_rec = arg_bool(op, 4);
  const char* uid_map = arg_str(op, 5);
  const char* gid_map = arg_str(op, 6);
  const char* userns_path = arg_str(op, 7);

  int rootfd = open_root(root);
  if (rootfd < 0) fail("open", -rootfd, root);
  int srcfd = open_bind_source(rootfd, root, src);
  close(rootfd);
  unsigned flags = kOpenTreeClone | kOpenTreeCloexec | AT_EMPTY_PATH | (clone_rec ? kAtRecursive : 0);
  int tree = (int)syscall(SYS_open_tree, srcfd, "", flags);
  if (tree < 0) fail("open_tree", errno, src);
  close(srcfd);

  bool own = userns_path[0] == 0;
  int ns = own ? make_userns(uid_map, gid_map) : open_userns(userns_path);
  struct berth_mount_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.attr_set = kMountAttrIdmap;
  attr.userns_fd = (uint64_t)ns;
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (idmap_rec ? kAtRecursive : 0), &attr, sizeof attr) < 0)
    fail("mount_setattr", errno, src);
  if (!own) close(ns);
  store_tree(slot, tree);
}

// MOVE_MOUNT_IN_ROOT root, slot, dst, kind
void op_move_mount_in_root(const Op& op) {
  const char* root = arg_str(op, 0);
  long long slot = arg_num(op, 1);
  const char* dst = arg_str(op, 2);
  bool file = strcmp(arg_str(op, 3), "file") == 0;
  if (slot < 0 || (size_t)slot >= g_ntrees || g_trees[slot] < 0) failf("plan", EINVAL, "no idmapped tree in slot %lld", slot);
  // The trees hold what they need of the user namespaces: B keeps none of them open.
  while (g_userns) {
    MappedNs* m = g_userns;
    g_userns = m->next;
    close(m->fd);
    free(m);
  }

  int rootfd = open_root(root);
  if (rootfd < 0) fail("open", -rootfd, root);
  ResolveError e;
  int target = resolve_in_root(rootfd, dst, file ? RESOLVE_MKFILE : RESOLVE_MKDIR, file ? 0644 : 0755, &e);
  if (target < 0) fail(e.sys, e.err, dst);
  if (syscall(SYS_move_mount, g_trees[slot], "", target, "", kMoveMountFEmptyPath | kMoveMountTEmptyPath) < 0)
    fail("move_mount", errno, dst);
  close(g_trees[slot]);
  g_trees[slot] = -1;
  close(target);
  close(rootfd);
}
