// startContainer: release a created container (docs/PLAN-FORMAT.md "Start socket").
#include <napi.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "args.h"
#include "errors.h"
#include "io.h"
#include "unix_socket.h"

namespace berth {

// Connect to the init's start socket and send "start". EOF (or a reset) means the init exec'd
// (the accepted connection is close-on-exec); a datagram is its `error\t...` report, thrown as
// an Error whose message is the datagram and whose `initError` is the raw string.
// A `seccomp` datagram carries the init's seccomp listener fd (SCMP_ACT_NOTIFY loaded at start):
// onSeccomp(fd) is called with it (it owns the fd) and, when it returns, the init is told
// `seccomp-ok`; when it throws, `abort` (the init exits) and the exception goes on to the caller.
Napi::Value StartContainer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgString(info, 0, "path") || !ArgNumber(info, 1, "timeoutMs")) return env.Undefined();
  std::string path = info[0].As<Napi::String>();
  int timeout = info[1].As<Napi::Number>().Int32Value();
  Napi::Function onSeccomp;
  if (info.Length() > 2 && info[2].IsFunction()) onSeccomp = info[2].As<Napi::Function>();
  const char* sys = "";
  int fd = OpenUnix(path, SOCK_SEQPACKET, false, &sys);
  if (fd < 0) {
    ThrowErrno(env, errno, sys, path);
    return env.Undefined();
  }
  auto fail = [&](int err, const char* call) {
    close(fd);
    ThrowErrno(env, err, call, path);
    return env.Undefined();
  };
  if (send(fd, "start", 5, MSG_NOSIGNAL) < 0) return fail(errno, "send");
  char buf[8192];  // the init's error datagrams are at most ~4.3 KiB
  for (;;) {
    if (!WaitReadable(fd, timeout)) return fail(errno, "poll");
    int gotFd;
    long n = RecvDatagram(fd, buf, sizeof buf, &gotFd);
    int err = errno;
    std::string msg(buf, n > 0 ? static_cast<size_t>(n) : 0);
    if (gotFd >= 0) {
      if (msg != "seccomp" || onSeccomp.IsEmpty()) {
        close(gotFd);
        send(fd, "abort", 5, MSG_NOSIGNAL);
        return fail(EPROTO, "recvmsg");
      }
      onSeccomp.Call({Napi::Number::New(env, gotFd)});
      if (env.IsExceptionPending()) {
        send(fd, "abort", 5, MSG_NOSIGNAL);
        close(fd);
        return env.Undefined();
      }
      if (send(fd, "seccomp-ok", 10, MSG_NOSIGNAL) < 0) return fail(errno, "send");
      continue;
    }
    if (n == 0 || (n < 0 && err == ECONNRESET)) {
      close(fd);
      return env.Undefined();
    }
    if (n < 0) return fail(err, "recvmsg");
    close(fd);
    Napi::Error e = Napi::Error::New(env, msg);
    e.Set("initError", Napi::String::New(env, msg));
    e.ThrowAsJavaScriptException();
    return env.Undefined();
  }
}

}  // namespace berth
