// The runtime's end of the init's sync socket (SOCK_SEQPACKET): one datagram per message.
#include <napi.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "errors.h"
#include "io.h"

namespace berth {

// See io.h.
bool WaitReadable(int fd, int timeoutMs) {
  struct pollfd p = {fd, POLLIN, 0};
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (int left = timeoutMs;;) {
    int r = poll(&p, 1, left);
    if (r > 0) return true;
    if (r == 0) {
      errno = ETIMEDOUT;
      return false;
    }
    if (errno != EINTR) return false;
    if (timeoutMs >= 0) {  // interrupted: wait only for what is left of the timeout
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      long long spent = (now.tv_sec - start.tv_sec) * 1000LL + (now.tv_nsec - start.tv_nsec) / 1000000;
      left = spent >= timeoutMs ? 0 : static_cast<int>(timeoutMs - spent);
    }
  }
}

// See io.h.
long RecvDatagram(int fd, char* buf, unsigned long len, int* gotFd) {
  *gotFd = -1;
  struct iovec iov = {buf, len};
  union {
    char b[CMSG_SPACE(sizeof(int) * 4)];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.b;
  msg.msg_controllen = sizeof u.b;
  ssize_t n;
  do {
    n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return -1;
  for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; i++) {
      int got;
      memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof got);
      if (*gotFd < 0) *gotFd = got;
      else close(got);
    }
  }
  return n;
}

// A datagram that carries an fd (the init's `seccomp` message) gets the received fd's number
// appended as a last tab-separated field: "seccomp\t<fd>".
Napi::Value SyncRecv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ReadableFdArg(info, "sync socket");
  if (fd < 0) return env.Undefined();
  std::vector<char> buf(1 << 16);
  int gotFd;
  long n = RecvDatagram(fd, buf.data(), buf.size(), &gotFd);
  if (n < 0) {
    if (errno == ECONNRESET) return env.Null();
    ThrowErrno(env, errno, "recvmsg", "sync socket");
    return env.Undefined();
  }
  std::string msg(buf.data(), static_cast<size_t>(n));
  if (gotFd >= 0) return Napi::String::New(env, msg + "\t" + std::to_string(gotFd));
  if (n == 0) return env.Null();
  return Napi::String::New(env, msg);
}

Napi::Value SyncSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "fd") || !ArgString(info, 1, "msg")) return env.Undefined();
  int fd = info[0].As<Napi::Number>().Int32Value();
  std::string msg = info[1].As<Napi::String>();
  ssize_t n;
  do {
    n = send(fd, msg.data(), msg.size(), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) ThrowErrno(env, errno, "send", "sync socket");
  return env.Undefined();
}

Napi::Value CloseFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "fd")) return env.Undefined();
  if (close(info[0].As<Napi::Number>().Int32Value()) < 0 && errno != EINTR) ThrowErrno(env, errno, "close");
  return env.Undefined();
}

// For tests: a connected SOCK_SEQPACKET pair, both ends close-on-exec.
Napi::Value SocketPair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    ThrowErrno(env, errno, "socketpair");
    return env.Undefined();
  }
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::Number::New(env, sv[0]));
  out.Set(1u, Napi::Number::New(env, sv[1]));
  return out;
}

}  // namespace berth
