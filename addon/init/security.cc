// NO_NEW_PRIVS, SECCOMP.
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"

void op_no_new_privs(const Op&) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("prctl", errno, "PR_SET_NO_NEW_PRIVS");
}

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
  // With SECCOMP_FILTER_FLAG_NEW_LISTENER the result is a (close-on-exec) listener fd; the
  // plan has no agent to hand it to, so it simply closes at exec.
}
