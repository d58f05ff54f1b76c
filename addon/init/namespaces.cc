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
#include <sys/wait.h>
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
  g.uid_tool = arg_str(op, 3);
  g.gid_tool = arg_str(op, 4);
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

// newuidmap/newgidmap (shadow's setuid helpers, uidmap(1)) for a map beyond the caller's own
// id: `TOOL PID ID HOST SIZE...` from the map's lines, run with an empty environment; what it
// prints on failure becomes the error's detail.
void run_map_tool(pid_t child, const char* tool, const char* map) {
  enum { kMaxArgs = 3 * 340 + 3 };  // the kernel takes at most 340 lines
  static char words[4096];
  static char* argv[kMaxArgs];
  char pidbuf[16];
  snprintf(pidbuf, sizeof pidbuf, "%d", (int)child);
  size_t n = strlen(map);
  if (n >= sizeof words) parent_fail(child, tool, E2BIG, "id map");
  memcpy(words, map, n + 1);
  int argc = 0;
  argv[argc++] = const_cast<char*>(tool);
  argv[argc++] = pidbuf;
  for (char* p = words; *p && argc < kMaxArgs - 1;) {
    while (*p == ' ' || *p == '\n') *p++ = '\0';
    if (!*p) break;
    argv[argc++] = p;
    while (*p && *p != ' ' && *p != '\n') p++;
  }
  argv[argc] = nullptr;
  int out[2];
  if (pipe2(out, O_CLOEXEC) < 0) parent_fail(child, "pipe2", errno, tool);
  pid_t h = fork();
  if (h < 0) parent_fail(child, "fork", errno, tool);
  if (h == 0) {
    dup2(out[1], 1);
    dup2(out[1], 2);
    char* envp[] = {nullptr};
    execve(tool, argv, envp);
    dprintf(2, "exec %s: %s", tool, strerror(errno));
    _exit(127);
  }
  close(out[1]);
  static char msg[512];
  size_t got = 0;
  for (;;) {
    ssize_t r = read(out[0], msg + got, sizeof msg - 1 - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += (size_t)r;
    if (got == sizeof msg - 1) break;
  }
  msg[got] = '\0';
  close(out[0]);
  while (got > 0 && (msg[got - 1] == '\n' || msg[got - 1] == ' ')) msg[--got] = '\0';
  for (size_t i = 0; i < got; i++) if (msg[i] == '\n' || msg[i] == '\t') msg[i] = ' ';
  int status = 0;
  while (waitpid(h, &status, 0) < 0) {
    if (errno != EINTR) parent_fail(child, "waitpid", errno, tool);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  kill(child, SIGKILL);
  if (WIFEXITED(status)) failf(tool, EPERM, "exit status %d: %s", WEXITSTATUS(status), got ? msg : "(no output)");
  failf(tool, EINTR, "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void write_map(pid_t child, const char* file, const char* tool, const char* map) {
  if (!map || !map[0]) return;
  if (tool && tool[0]) run_map_tool(child, tool, map);
  else write_proc(child, file, map);
}

}  // namespace

// JOIN_BY_RUNTIME: the runtime moves B into the container's cgroup from outside (exec), as
// runc does, instead of A joining it before the clone: a cgroup at its pids limit refuses a
// fork into it but not a move, so an exec into a full container still starts (the limit
// counts B once it is in). A waits for `joined` (anything else, or EOF: the runtime gave up;
// B is killed and A fails) before it releases B.
void op_join_by_runtime(const Op&) { g.join_by_runtime = true; }

static void await_runtime_join(pid_t child) {
  char buf[16];
  ssize_t n;
  do n = recv(g.sync_fd, buf, sizeof buf, 0); while (n < 0 && errno == EINTR);
  if (n < 0) parent_fail(child, "recv", errno, "the runtime's cgroup join");
  if (n != 6 || memcmp(buf, "joined", 6) != 0) parent_fail(child, "recv", ECANCELED, "the runtime's cgroup join");
}

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
    write_map(child, "uid_map", g.uid_tool, g.uid_map);
    write_map(child, "gid_map", g.gid_tool, g.gid_map);
  }
  // Report the pid before releasing B, so the runtime always learns the pid before any
  // message B may send.
  char msg[32];
  int len = snprintf(msg, sizeof msg, "pid\t%d", (int)child);
  int r = sync_send(msg, (size_t)len);
  if (r < 0) parent_fail(child, "send", -r, "pid");
  if (g.join_by_runtime) await_runtime_join(child);
  ssize_t n;
  do n = send(go[1], "1", 1, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
  if (n != 1) parent_fail(child, "send", n < 0 ? errno : EIO, "release stage B");
  _exit(0);
}

void op_become_root(const Op&) {
  if (setresgid(0, 0, 0) < 0) fail("setresgid", errno, "0");
  if (setresuid(0, 0, 0) < 0) fail("setresuid", errno, "0");
}
