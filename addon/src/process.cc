// Processes: wait (blocking, or on a worker thread), pidfds (open, signal), subreaper.
#include <napi.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "args.h"
#include "errors.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

namespace berth {
namespace {

Napi::Object StatusObject(Napi::Env env, int status) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("code", WIFEXITED(status) ? Napi::Number::New(env, WEXITSTATUS(status)) : env.Null());
  o.Set("signal", WIFSIGNALED(status) ? Napi::Number::New(env, WTERMSIG(status)) : env.Null());
  return o;
}

// reapOthers: wait for any child (a subreaper's orphans are reaped and forgotten) until pid ends.
int WaitFor(pid_t pid, int* status, bool reapOthers = false) {
  for (;;) {
    pid_t r = waitpid(reapOthers ? -1 : pid, status, 0);
    if (r == pid) return 0;
    if (r < 0 && errno == EINTR) continue;
    if (r > 0 && reapOthers) continue;
    return r < 0 ? errno : ECHILD;
  }
}

class WaitWorker : public Napi::AsyncWorker {
 public:
  WaitWorker(Napi::Env env, pid_t pid, bool reapOthers)
      : Napi::AsyncWorker(env), pid_(pid), reapOthers_(reapOthers), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { err_ = WaitFor(pid_, &status_, reapOthers_); }
  void OnOK() override {
    if (err_) deferred_.Reject(MakeErrno(Env(), err_, "waitpid").Value());
    else deferred_.Resolve(StatusObject(Env(), status_));
  }

 private:
  pid_t pid_;
  bool reapOthers_;
  int status_ = 0;
  int err_ = 0;
  Napi::Promise::Deferred deferred_;
};

// pidfd_open(pid, 0), or -1 with errno; a pid <= 0 (no process of its own) is ESRCH.
int OpenPidfd(pid_t pid) {
  if (pid <= 0) {
    errno = ESRCH;
    return -1;
  }
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
}

}  // namespace

Napi::Value WaitPid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "pid")) return env.Undefined();
  int status = 0;
  int err = WaitFor(info[0].As<Napi::Number>().Int32Value(), &status);
  if (err) {
    ThrowErrno(env, err, "waitpid");
    return env.Undefined();
  }
  return StatusObject(env, status);
}

Napi::Value WaitPidAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "pid")) return env.Undefined();
  bool reapOthers = info.Length() > 1 && info[1].ToBoolean().Value();
  auto* w = new WaitWorker(env, info[0].As<Napi::Number>().Int32Value(), reapOthers);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}


// Signal through a pidfd: once opened, the pidfd names that process even if the pid is reused.
Napi::Value SignalPid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "pid") || !ArgNumber(info, 1, "signal")) return env.Undefined();
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  int sig = info[1].As<Napi::Number>().Int32Value();
  int pfd = OpenPidfd(pid);
  if (pfd < 0 && errno == ENOSYS) {
    if (kill(pid, sig) < 0) ThrowErrno(env, errno, "kill");
    return env.Undefined();
  }
  if (pfd < 0) {
    ThrowErrno(env, errno, "pidfd_open");
    return env.Undefined();
  }
  int r = static_cast<int>(syscall(SYS_pidfd_send_signal, pfd, sig, nullptr, 0));
  int err = errno;
  close(pfd);
  if (r < 0) ThrowErrno(env, err, "pidfd_send_signal");
  return env.Undefined();
}

// A pidfd of pid, for the caller to check the process's identity (start time) before signalling
// it with PidfdSignal: the pidfd stays bound to the process it was opened for, whatever reuses
// the pid later. Close-on-exec, as the kernel makes every pidfd. Errno as pidfd_open gives it
// (ESRCH: gone; EINVAL: not a thread-group leader).
Napi::Value PidfdOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "pid")) return env.Undefined();
  int pfd = OpenPidfd(info[0].As<Napi::Number>().Int32Value());
  if (pfd < 0) {
    ThrowErrno(env, errno, "pidfd_open");
    return env.Undefined();
  }
  return Napi::Number::New(env, pfd);
}

// pidfd_send_signal on a pidfd the caller holds (from pidfdOpen, or received: --pidfd-socket).
Napi::Value PidfdSignal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "pidfd") || !ArgNumber(info, 1, "signal")) return env.Undefined();
  int pfd = info[0].As<Napi::Number>().Int32Value();
  int sig = info[1].As<Napi::Number>().Int32Value();
  if (syscall(SYS_pidfd_send_signal, pfd, sig, nullptr, 0) < 0) ThrowErrno(env, errno, "pidfd_send_signal");
  return env.Undefined();
}

Napi::Value SetSubreaper(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) ThrowErrno(env, errno, "prctl PR_SET_CHILD_SUBREAPER");
  return env.Undefined();
}

}  // namespace berth
