// CPU_AFFINITY, MEMPOLICY: which CPUs the process runs on and which NUMA nodes it allocates
// from. Both take a bitmap prepared by the planner (bit n of byte n/8 is CPU or node n: an array
// of unsigned longs as the kernel reads one on a little-endian machine); the init only passes it.
#include <errno.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"

void op_cpu_affinity(const Op& op) {
  const Arg& mask = op.args[0];
  if (mask.len == 0) fail("plan", EINVAL, "empty CPU mask");
  // The kernel keeps the CPUs it has and the cgroup's cpuset allows (EINVAL when none is left).
  if (syscall(SYS_sched_setaffinity, 0, (size_t)mask.len, mask.s) < 0) fail("sched_setaffinity", errno, "");
}

void op_mempolicy(const Op& op) {
  long long mode = arg_num(op, 0);
  const Arg& nodes = op.args[1];
  if (nodes.len % sizeof(unsigned long) != 0) fail("plan", EINVAL, "node mask is not whole unsigned longs");
  // maxnode counts one past the last bit the kernel reads (set_mempolicy(2)'s convention).
  unsigned long maxnode = nodes.len ? (unsigned long)nodes.len * 8 + 1 : 0;
  if (syscall(SYS_set_mempolicy, (int)mode, nodes.len ? nodes.s : nullptr, maxnode) < 0)
    fail("set_mempolicy", errno, "");
}
