// syscallProbe: whether this kernel has the syscalls berth relies on, asked without side
// effects (src/host/syscalls.ts; `berth check`). Each entry is "" (available) or the errno name.
//  - pidfd_open on our own pid (the fd is closed at once);
//  - openat2 of "/" with RESOLVE_IN_ROOT (O_PATH, closed at once);
//  - clone3 with CLONE_INTO_CGROUP and a cgroup fd that cannot be open (INT_MAX): a kernel that
//    knows the flag fails with EBADF before any process is made; one that does not, EINVAL or
//    ENOSYS (clone3 itself missing).
#include <climits>
#include <csignal>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <napi.h>
#include "clone3.h"
#include "errors.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

namespace berth {

namespace {
std::string Result(long r, int err) {
  if (r >= 0) {
    close(static_cast<int>(r));
    return "";
  }
  return ErrnoName(err);
}
}  // namespace

Napi::Value SyscallProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  long r = syscall(SYS_pidfd_open, getpid(), 0);
  out.Set("pidfd_open", Result(r, errno));
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT;
  r = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
  out.Set("openat2", Result(r, errno));
  CloneArgs args;
  memset(&args, 0, sizeof args);
  args.flags = CLONE_INTO_CGROUP;
  args.exit_signal = SIGCHLD;
  args.cgroup = INT_MAX;
  r = syscall(SYS_clone3, &args, sizeof args);
  int err = errno;
  if (r == 0) _exit(0);  // cannot happen (no such fd); never let a copy of the runtime run on
  if (r > 0) {
    out.Set("clone_into_cgroup", "unexpected success");
  } else {
    out.Set("clone_into_cgroup", err == EBADF ? "" : ErrnoName(err));
  }
  return out;
}

}  // namespace berth
