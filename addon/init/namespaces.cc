// SETNS, UNSHARE, USERNS_MAPS, CLONE (stage A -> stage B), BECOME_ROOT.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "handlers.h"
#include "procfs.h"
#include "report.h"
#include "util.h"

namespace {

const char* ns_name(int type) {
  switch (type) {
    case CLONE_NEWNS: return "mount";
    case CLONE_NEWUTS: return "uts";
    case CLONE_NEWIPC: return "ipc";
    case CLONE_NEWNET: return "network";
    case CLONE_NEWPID: return "pid";
    case CLONE_NEWUSER: return "user";
    case CLONE_NEWCGROUP: return "cgroup";
#ifdef CLONE_NEWTIME
    case CLONE_NEWTIME: return "time";
#endif
    default: return "different";
  }
}

}  // namespace

void op_setns(const Op& op) {
  const char* path = arg_str(op, 0);
  int nstype = (int)arg_num(op, 1);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", errno, path);
  // The kernel refuses a namespace of another type with a bare EINVAL; say what it is.
  int actual = ioctl(fd, NS_GET_NSTYPE);
  if (actual < 0) fail("ioctl NS_GET_NSTYPE", errno == ENOTTY ? EINVAL : errno, path);
  if (nstype != 0 && actual != nstype) failf("setns", EINVAL, "%s is a %s namespace", path, ns_name(actual));
  if (setns(fd, nstype) < 0) fail("setns", errno, path);
  close(fd);
}

void op_unshare(const Op& op) {
  int flags = (int)arg_num(op, 0);
  if (unshare(flags) < 0) fail("unshare", errno, arg_str(op, 0));
}

void op_userns_maps(const Op& op) {
  g.have_maps = true;
  g.uid_map = arg_str(op, 0);
  g.gid_map = arg_str(op, 1);
  g.setgroups = arg_str(op, 2);
}

namespace {

// Stage A after the clone: on failure B is killed before reporting.
[[noreturn]] void parent_fail(pid_t child, const char* sys, int err, const char* detail) {
  kill(child, SIGKILL);
  fail(sys, err, detail);
}

void write_proc(pid_t child, const char* file, const char* content) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)child, file);
  const char* sys = "open";
  int fd = proc_open_write(path, &sys);
  if (fd < 0) parent_fail(child, sys, errno, path);
  size_t len = strlen(content);
  ssize_t n;
  do n = write(fd, content, len); while (n < 0 && errno == EINTR);
  if (n < 0) parent_fail(child, "write", errno, path);
  if ((size_t)n != len) parent_fail(child, "write", EIO, path);
  close(fd);
}

}  // namespace

void op_clone(const Op& op) {
  unsigned long flags = (unsigned long)arg_num(op, 0);
  // A releases B with one byte (EOF: abort). A socketpair rather than a pipe, so that A
  // writing to a B that was killed gets EPIPE from send(MSG_NOSIGNAL), not SIGPIPE.
  int go[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, go) < 0) fail("socketpair", errno, "clone");

  pid_t child = raw_fork(flags | CLONE_PARENT | SIGCHLD);
  if (child < 0) fail("clone", errno, arg_str(op, 0));

  if (child == 0) {
    // Stage B: wait for A's go (EOF: A failed or died, abort silently).
    close(go[1]);
    char c;
    ssize_t n;
    do n = read(go[0], &c, 1); while (n < 0 && errno == EINTR);
    if (n != 1) _exit(1);
    close(go[0]);
    return;
  }

  // Stage A.
  close(go[0]);
  if (g.have_maps) {
    if (g.setgroups && g.setgroups[0]) write_proc(child, "setgroups", g.setgroups);
    if (g.uid_map && g.uid_map[0]) write_proc(child, "uid_map", g.uid_map);
    if (g.gid_map && g.gid_map[0]) write_proc(child, "gid_map", g.gid_map);
  }
  // Report the pid before releasing B, so the runtime always learns the pid before any
  // message B may send.
  char msg[32];
  int len = snprintf(msg, sizeof msg, "pid\t%d", (int)child);
  int r = sync_send(msg, (size_t)len);
  if (r < 0) parent_fail(child, "send", -r, "pid");
  ssize_t n;
  do n = send(go[1], "1", 1, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
  if (n != 1) parent_fail(child, "send", n < 0 ? errno : EIO, "release stage B");
  _exit(0);
}

void op_become_root(const Op&) {
  if (setresgid(0, 0, 0) < 0) fail("setresgid", errno, "0");
  if (setresuid(0, 0, 0) < 0) fail("setresuid", errno, "0");
}
