// SYNC_HOOKS (runtime-side hooks), RUN_HOOK (hooks the init runs itself).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"
#include "util.h"

void op_sync_hooks(const Op& op) {
  const char* name = arg_str(op, 0);
  char msg[256];
  size_t nlen = strlen(name);
  if (nlen > sizeof msg - 7) fail("plan", EINVAL, name);
  memcpy(msg, "hooks\t", 6);
  memcpy(msg + 6, name, nlen);
  int r = sync_send(msg, 6 + nlen);
  if (r < 0) fail("send", -r, name);

  // Size the reply first (SEQPACKET: MSG_PEEK|MSG_TRUNC returns the datagram's length).
  char probe;
  ssize_t len;
  do len = recv(g.sync_fd, &probe, 1, MSG_PEEK | MSG_TRUNC); while (len < 0 && errno == EINTR);
  if (len < 0) fail("recv", errno, name);
  if (len == 0) fail("recv", ECONNRESET, name);  // the runtime went away
  char* buf = (char*)malloc((size_t)len + 1);
  if (!buf) fail("malloc", ENOMEM, name);
  ssize_t n;
  do n = recv(g.sync_fd, buf, (size_t)len, 0); while (n < 0 && errno == EINTR);
  if (n < 0) fail("recv", errno, name);
  buf[n] = 0;
  if (n == 5 && memcmp(buf, "abort", 5) == 0) _exit(1);
  if (n < 8 || memcmp(buf, "continue", 8) != 0 || (n > 8 && buf[8] != '\t'))
    fail("recv", EPROTO, name);
  free(g.state_json);
  g.state_len = n > 9 ? (size_t)n - 9 : 0;
  memmove(buf, buf + (n > 9 ? 9 : n), g.state_len);
  buf[g.state_len] = 0;
  g.state_json = buf;
}

namespace {

long long now_ms() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

// Milliseconds left before the deadline (-1: no deadline), at least 0.
int left_ms(long long deadline) {
  if (deadline < 0) return -1;
  long long l = deadline - now_ms();
  if (l < 0) return 0;
  return l > 0x7fffffff ? 0x7fffffff : (int)l;
}

[[noreturn]] void timed_out(pid_t pid, const char* path, long long timeout) {
  kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {}
  failf("hook", ETIMEDOUT, "%s: killed after %lld s", path, timeout);
}

}  // namespace

void op_run_hook(const Op& op) {
  const char* name = arg_str(op, 0);
  const char* path = arg_str(op, 1);
  long long timeout = arg_num(op, 2);
  long long nargs = arg_num(op, 3);
  if (nargs < 0 || nargs > op.argc - 4) fail("plan", EINVAL, arg_str(op, 3));
  int nenv = op.argc - 4 - (int)nargs;
  (void)name;

  // argv/envp built before the fork: the child only makes raw syscalls.
  char** argv = (char**)malloc(sizeof(char*) * ((size_t)nargs + 1 + (size_t)nenv + 1));
  if (!argv) fail("malloc", ENOMEM, path);
  for (int i = 0; i < nargs; i++) argv[i] = (char*)op.args[4 + i].s;
  argv[nargs] = nullptr;
  char** envp = argv + nargs + 1;
  for (int i = 0; i < nenv; i++) envp[i] = (char*)op.args[4 + nargs + i].s;
  envp[nenv] = nullptr;

  int in[2], ep[2];  // stdin; exec error (closed by a successful execve)
  if (pipe2(in, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) fail("pipe2", errno, path);
  long long deadline = timeout > 0 ? now_ms() + timeout * 1000 : -1;
  pid_t pid = raw_fork(SIGCHLD);
  if (pid < 0) fail("clone", errno, path);
  if (pid == 0) {
    if (dup2(in[0], 0) < 0) _exit(127);
    execve(path, argv, envp);
    int er = errno;
    if (write(ep[1], &er, sizeof er) < 0) {}
    _exit(127);
  }
  close(in[0]);
  close(ep[1]);
  free(argv);

  // State JSON on the hook's stdin; a hook that exits without reading it is not an error.
  struct sigaction ign, old;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ign, &old);
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  const char* p = g.state_json ? g.state_json : "";
  size_t left = g.state_len;
  while (left > 0) {
    ssize_t n = write(in[1], p, left);
    if (n > 0) { p += n; left -= (size_t)n; continue; }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      struct pollfd pfd = {in[1], POLLOUT, 0};
      int r = poll(&pfd, 1, left_ms(deadline));
      if (r == 0) { sigaction(SIGPIPE, &old, nullptr); timed_out(pid, path, timeout); }
      continue;
    }
    break;  // EPIPE: the hook closed its stdin
  }
  close(in[1]);
  sigaction(SIGPIPE, &old, nullptr);

  int status;
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd >= 0) {
    for (;;) {
      struct pollfd pfd = {pidfd, POLLIN, 0};
      int r = poll(&pfd, 1, left_ms(deadline));
      if (r < 0 && errno == EINTR) continue;
      if (r == 0) timed_out(pid, path, timeout);
      break;
    }
    close(pidfd);
    while (waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) fail("waitpid", errno, path);
  } else {
    for (;;) {
      pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (r < 0 && errno != EINTR) fail("waitpid", errno, path);
      if (deadline >= 0 && left_ms(deadline) == 0) timed_out(pid, path, timeout);
      struct timespec ts = {0, 10 * 1000 * 1000};
      nanosleep(&ts, nullptr);
    }
  }
  int exec_err;
  ssize_t en;
  do en = read(ep[0], &exec_err, sizeof exec_err); while (en < 0 && errno == EINTR);
  close(ep[0]);
  if (en == (ssize_t)sizeof exec_err) fail("execve", exec_err, path);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  if (WIFEXITED(status)) failf("hook", 0, "%s: exit status %d", path, WEXITSTATUS(status));
  // The signal's name as runc reports it ("signal: bad system call" for a seccomp kill).
  char desc[64];
  snprintf(desc, sizeof desc, "%s", strsignal(WTERMSIG(status)));
  if (desc[0] >= 'A' && desc[0] <= 'Z') desc[0] = static_cast<char>(desc[0] - 'A' + 'a');
  failf("hook", 0, "%s: killed by signal %d (%s)", path, WTERMSIG(status), desc);
}
