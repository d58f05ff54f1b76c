// NO_NEW_PRIVS, SECCOMP.
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"
#include "util.h"

void op_no_new_privs(const Op&) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("prctl", errno, "PR_SET_NO_NEW_PRIVS");
}

namespace {

// SCMP_ACT_NOTIFY: the filter is already in force, so only a few syscalls are made here
// (sendmsg, recvfrom, close; the profile may not notify on sendmsg, src/validate/seccomp.ts).
// The listener fd goes to the runtime on the channel that reports errors now (the sync socket
// before READY, the start connection after WAIT_START) as a `seccomp` datagram with the fd
// (SCM_RIGHTS). The runtime passes it to the agent at listenerPath and answers `seccomp-ok`, or
// `abort` when that failed (it reports the error itself).
void hand_off_listener(int listener) {
  int chan = (g.ready && g.start_conn >= 0) ? g.start_conn : g.sync_fd;
  int r = send_fd(chan, listener, "seccomp", 7);
  if (r < 0) fail("sendmsg", -r, "seccomp listener");
  close(listener);
  char reply[16];
  ssize_t n;
  do n = recv(chan, reply, sizeof reply, 0); while (n < 0 && errno == EINTR);
  if (n < 0) fail("recv", errno, "seccomp listener");
  if (n == 5 && memcmp(reply, "abort", 5) == 0) _exit(1);
  if (n != 10 || memcmp(reply, "seccomp-ok", 10) != 0) fail("recv", n == 0 ? ECONNRESET : EPROTO, "seccomp listener");
}

}  // namespace

void op_seccomp(const Op& op) {
  unsigned long flags = (unsigned long)arg_num(op, 0);
  const Arg& prog = op.args[1];
  char d[48];
  snprintf(d, sizeof d, "%u instructions", prog.len / 8);
  if (prog.len == 0 || prog.len % sizeof(struct sock_filter) != 0 ||
      prog.len / sizeof(struct sock_filter) > 0xffff)
    fail("plan", EINVAL, d);
  struct sock_fprog fprog;
  fprog.len = (unsigned short)(prog.len / sizeof(struct sock_filter));
  fprog.filter = (struct sock_filter*)prog.s;  // the plan arena keeps arguments 8-byte aligned
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fprog);
  if (r < 0) fail("seccomp", errno, d);
  if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) hand_off_listener((int)r);
}
