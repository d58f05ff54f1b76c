// The init's process-wide state, messages on the sync socket and error reporting.
#pragma once
#include <stddef.h>
#include <sys/types.h>

struct InitState {
  int sync_fd = -1;       // SYNC_FD (SOCK_SEQPACKET to the runtime)
  int op_index = -1;      // index of the operation being executed (-1: the plan itself)
  bool ready = false;     // READY done: errors go to the start connection when there is one
  int start_listen = -1;  // START_LISTEN socket
  int start_conn = -1;    // connection accepted in WAIT_START
  int console_fd = -1;    // CONSOLE_CONNECT socket
  // USERNS_MAPS (pointers into the plan arena)
  bool have_maps = false;
  const char* uid_map = nullptr;
  const char* gid_map = nullptr;
  const char* setgroups = nullptr;
  const char* uid_tool = nullptr;  // newuidmap's path, or "" to write uid_map directly
  const char* gid_tool = nullptr;  // newgidmap's path, or ""
  // JOIN_BY_RUNTIME: CLONE waits, after the pid message, for the runtime to move B into the
  // container's cgroup (`joined`) before it releases B
  bool join_by_runtime = false;
  // state JSON from the last `continue` reply (for RUN_HOOK)
  char* state_json = nullptr;
  size_t state_len = 0;
};

extern InitState g;

// Sends one datagram on the sync socket (MSG_NOSIGNAL). Returns 0 or -errno.
int sync_send(const char* buf, size_t len);
int sync_send_str(const char* s);

// Reports `error\t<op index>\t<syscall>\t<errno>\t<detail>` and exits 1.
[[noreturn]] void fail(const char* syscall_name, int err, const char* detail);
// Same, with a formatted detail.
[[noreturn]] void failf(const char* syscall_name, int err, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
