// Processes: wait (blocking, or on a worker thread), signal through a pidfd, subreaper.
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

int WaitFor(pid_t pid, int* status) {
  for (;;) {
    pid_t r = waitpid(pid, status, 0);
    if (r == pid) return 0;
    if (r < 0 && errno == EINTR) continue;
    return r < 0 ? errno : ECHILD;
  }
}

class WaitWorker : public Napi::AsyncWorker {
 public:
  WaitWorker(Napi::Env env, pid_t pid) : Napi::AsyncWorker(env), pid_(pid), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override { err_ = WaitFor(pid_, &status_); }
  void OnOK() override {
    if (err_) deferred_.Reject(MakeErrno(Env(), err_, "waitpid").Value());
    else deferred_.Resolve(StatusObject(Env(), status_));
  }

 private:
  pid_t pid_;
  int status_ = 0;
  int err_ = 0;
  Napi::Promise::Deferred deferred_;
};

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
  auto* w = new WaitWorker(env, info[0].As<Napi::Number>().Int32Value());
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// pidfd_open(pid), or -errno (-ESRCH for a pid <= 0).
static int PidfdOf(pid_t pid) {
  if (pid <= 0) return -ESRCH;
  int pfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  return pfd < 0 ? -errno : pfd;
}

// Signal through a pidfd: once opened, the pidfd names that process even if the pid is reused.
Napi::Value SignalPid(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "pid") || !ArgNumber(info, 1, "signal")) return env.Undefined();
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  int sig = info[1].As<Napi::Number>().Int32Value();
  int pfd = PidfdOf(pid);
  if (pfd == -ENOSYS) {
    if (kill(pid, sig) < 0) ThrowErrno(env, errno, "kill");
    return env.Undefined();
  }
  if (pfd < 0) {
    ThrowErrno(env, -pfd, "pidfd_open");
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
// the pid later. Errno as pidfd_open gives it (ESRCH: gone; EINVAL: not a thread-group leader).
Napi::Value PidfdOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "pid")) return env.Undefined();
  int pfd = PidfdOf(info[0].As<Napi::Number>().Int32Value());
  if (pfd < 0) {
    ThrowErrno(env, -pfd, "pidfd_open");
    return env.Undefined();
  }
  return Napi::Number::New(env, pfd);
}

Napi::Value PidfdSignal(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "fd") || !ArgNumber(info, 1, "signal")) return env.Undefined();
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
