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
Napi::Value StartContainer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgString(info, 0, "path") || !ArgNumber(info, 1, "timeoutMs")) return env.Undefined();
  std::string path = info[0].As<Napi::String>();
  int timeout = info[1].As<Napi::Number>().Int32Value();
  const char* sys = "";
  int fd = OpenUnix(path, SOCK_SEQPACKET, false, &sys);
  if (fd < 0) {
    ThrowErrno(env, errno, sys, path);
    return env.Undefined();
  }
  if (send(fd, "start", 5, MSG_NOSIGNAL) < 0) {
    int err = errno;
    close(fd);
    ThrowErrno(env, err, "send", path);
    return env.Undefined();
  }
  if (!WaitReadable(fd, timeout)) {
    int err = errno;
    close(fd);
    ThrowErrno(env, err, "poll", path);
    return env.Undefined();
  }
  char buf[8192];  // the init's error datagrams are at most ~4.3 KiB
  ssize_t n;
  do {
    n = recv(fd, buf, sizeof buf, 0);
  } while (n < 0 && errno == EINTR);
  int err = errno;
  close(fd);
  if (n == 0 || (n < 0 && err == ECONNRESET)) return env.Undefined();
  if (n < 0) {
    ThrowErrno(env, err, "recv", path);
    return env.Undefined();
  }
  std::string msg(buf, static_cast<size_t>(n));
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("initError", Napi::String::New(env, msg));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

}  // namespace berth
