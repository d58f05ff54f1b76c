// CGROUP_JOIN, SETSID, SETHOSTNAME, SETDOMAINNAME, WRITE_FILE, OOM_SCORE_ADJ, RLIMIT,
// PERSONALITY, SCHEDULER, IOPRIO, UMASK.
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers.h"
#include "procfs.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

void op_cgroup_join(const Op& op) { write_file_or_fail(arg_str(op, 0), "0", 1); }

void op_setsid(const Op&) {
  if (setsid() < 0) fail("setsid", errno, "");
}

void op_sethostname(const Op& op) {
  if (sethostname(op.args[0].s, op.args[0].len) < 0) fail("sethostname", errno, op.args[0].s);
}

void op_setdomainname(const Op& op) {
  if (setdomainname(op.args[0].s, op.args[0].len) < 0) fail("setdomainname", errno, op.args[0].s);
}

// Every WRITE_FILE is a procfs file (sysctls, LSM attributes, timens offsets): written through a
// procfs handle the bundle cannot have mounted over (procfs.h).
void op_write_file(const Op& op) { proc_write_or_fail(arg_str(op, 0), op.args[1].s, op.args[1].len); }

void op_oom_score_adj(const Op& op) {
  arg_num(op, 0);  // validated
  proc_write_or_fail("/proc/self/oom_score_adj", op.args[0].s, op.args[0].len);
}

void op_rlimit(const Op& op) {
  int resource = (int)arg_num(op, 0);
  long long soft = arg_num(op, 1), hard = arg_num(op, 2);
  struct rlimit rl;
  rl.rlim_cur = soft == -1 ? RLIM_INFINITY : (rlim_t)soft;
  rl.rlim_max = hard == -1 ? RLIM_INFINITY : (rlim_t)hard;
  if (prlimit(0, (__rlimit_resource)resource, &rl, nullptr) < 0) fail("prlimit", errno, arg_str(op, 0));
}

void op_personality(const Op& op) {
  unsigned long persona = (unsigned long)arg_num(op, 0);
  if (personality(persona) < 0) fail("personality", errno, arg_str(op, 0));
}

namespace {
struct berth_sched_attr {  // SCHED_ATTR_SIZE_VER1
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};
}  // namespace

void op_scheduler(const Op& op) {
  struct berth_sched_attr a;
  memset(&a, 0, sizeof a);
  a.size = 48;  // SCHED_ATTR_SIZE_VER0: no util clamps
  a.sched_policy = (uint32_t)arg_num(op, 0);
  a.sched_nice = (int32_t)arg_num(op, 1);
  a.sched_priority = (uint32_t)arg_num(op, 2);
  a.sched_flags = (uint64_t)arg_num(op, 3);
  a.sched_runtime = (uint64_t)arg_num(op, 4);
  a.sched_deadline = (uint64_t)arg_num(op, 5);
  a.sched_period = (uint64_t)arg_num(op, 6);
  if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) fail("sched_setattr", errno, arg_str(op, 0));
}

void op_ioprio(const Op& op) {
  long long cls = arg_num(op, 0), prio = arg_num(op, 1);
  int value = (int)((cls << 13) | prio);
  if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, value) < 0)
    fail("ioprio_set", errno, arg_str(op, 0));
}

void op_umask(const Op& op) { umask((mode_t)arg_octal(op, 0)); }
