// clone3(2) as the addon uses it (spawnInit's fork into a cgroup, the syscall probe): its number,
// CLONE_INTO_CGROUP and struct clone_args as of Linux 5.7 (CLONE_ARGS_SIZE_VER2, 88 bytes),
// spelled out so the build does not depend on the headers' age.
#pragma once
#include <sys/syscall.h>
#include <cstdint>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

namespace berth {

struct CloneArgs {
  uint64_t flags;
  uint64_t pidfd;
  uint64_t child_tid;
  uint64_t parent_tid;
  uint64_t exit_signal;
  uint64_t stack;
  uint64_t stack_size;
  uint64_t tls;
  uint64_t set_tid;
  uint64_t set_tid_size;
  uint64_t cgroup;
};
static_assert(sizeof(CloneArgs) == 88, "CLONE_ARGS_SIZE_VER2");

}  // namespace berth
