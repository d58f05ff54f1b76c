// Seccomp user notification (SCMP_ACT_NOTIFY, config-linux.md "Seccomp" listenerPath):
// sendFdMessage hands the init's listener fd and the container process state to the agent at
// listenerPath; recvFdMessage, seccompNotifyRecv and seccompNotifyRespond are the agent's side
// (berth's tests use them as a real agent written in TypeScript).
#include <napi.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "errors.h"
#include "io.h"

namespace berth {

namespace {

bool BigOrNumber(Napi::Value v, uint64_t* out) {
  if (v.IsBigInt()) {
    bool lossless = false;
    *out = v.As<Napi::BigInt>().Uint64Value(&lossless);
    return lossless;
  }
  if (v.IsNumber()) {
    *out = static_cast<uint64_t>(v.As<Napi::Number>().Int64Value());
    return true;
  }
  return false;
}

}  // namespace

// sendFdMessage(sock, fd, data): one sendmsg carrying data and fd (SCM_RIGHTS). A stream
// socket may take part of data; the rest follows in plain sends (config-linux.md allows
// several sendmsg calls as long as the fds go with the first).
Napi::Value SendFdMessage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "sock") || !ArgNumber(info, 1, "fd") || !ArgString(info, 2, "data")) return env.Undefined();
  int sock = info[0].As<Napi::Number>().Int32Value();
  int fd = info[1].As<Napi::Number>().Int32Value();
  std::string data = info[2].As<Napi::String>();
  if (data.empty()) data = "\n";  // an fd needs at least one byte of payload to travel with
  struct iovec iov = {const_cast<char*>(data.data()), data.size()};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  ssize_t n;
  do n = sendmsg(sock, &msg, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
  if (n < 0) {
    ThrowErrno(env, errno, "sendmsg");
    return env.Undefined();
  }
  size_t sent = static_cast<size_t>(n);
  while (sent < data.size()) {
    do n = send(sock, data.data() + sent, data.size() - sent, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
    if (n < 0) {
      ThrowErrno(env, errno, "send");
      return env.Undefined();
    }
    sent += static_cast<size_t>(n);
  }
  return env.Undefined();
}

// recvFdMessage(sock, timeoutMs) → { fd, data: Buffer }: one recvmsg (up to 64 KiB) and the
// first fd that came with it (close-on-exec; -1 when none). Further fds are closed.
Napi::Value RecvFdMessage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int sock = ReadableFdArg(info, "fd message");
  if (sock < 0) return env.Undefined();
  std::vector<char> data(1 << 16);
  int got;
  long n = RecvDatagram(sock, data.data(), data.size(), &got);
  if (n < 0) {
    ThrowErrno(env, errno, "recvmsg");
    return env.Undefined();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("fd", Napi::Number::New(env, got));
  out.Set("data", Napi::Buffer<char>::Copy(env, data.data(), static_cast<size_t>(n)));
  return out;
}

// A zeroed buffer big enough for the kernel's struct seccomp_notif / _resp (SECCOMP_GET_NOTIF_SIZES:
// a newer kernel's may be larger than this header's).
static bool NotifBuffers(std::vector<char>* req, std::vector<char>* resp) {
  struct seccomp_notif_sizes sizes = {};
  if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0) return false;
  req->assign(std::max<size_t>(sizes.seccomp_notif, sizeof(struct seccomp_notif)), 0);
  resp->assign(std::max<size_t>(sizes.seccomp_notif_resp, sizeof(struct seccomp_notif_resp)), 0);
  return true;
}

// seccompNotifyRecv(listenerFd, timeoutMs) → { id: bigint, pid, nr, arch, args: bigint[] }:
// the next notification (SECCOMP_IOCTL_NOTIF_RECV).
Napi::Value SeccompNotifyRecv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ReadableFdArg(info, "seccomp listener");
  if (fd < 0) return env.Undefined();
  std::vector<char> reqBuf, respBuf;
  if (!NotifBuffers(&reqBuf, &respBuf)) {
    ThrowErrno(env, errno, "seccomp", "SECCOMP_GET_NOTIF_SIZES");
    return env.Undefined();
  }
  auto* req = reinterpret_cast<struct seccomp_notif*>(reqBuf.data());
  int rc;
  do rc = ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req); while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    ThrowErrno(env, errno, "ioctl", "SECCOMP_IOCTL_NOTIF_RECV");
    return env.Undefined();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("id", Napi::BigInt::New(env, static_cast<uint64_t>(req->id)));
  out.Set("pid", Napi::Number::New(env, req->pid));
  out.Set("nr", Napi::Number::New(env, req->data.nr));
  out.Set("arch", Napi::Number::New(env, req->data.arch));
  Napi::Array args = Napi::Array::New(env, 6);
  for (uint32_t i = 0; i < 6; i++) args.Set(i, Napi::BigInt::New(env, static_cast<uint64_t>(req->data.args[i])));
  out.Set("args", args);
  return out;
}

// seccompNotifyRespond(listenerFd, id, val, error, flags): answer a notification: the syscall
// returns val, or fails when error is a negative errno; flags 1 = SECCOMP_USER_NOTIF_FLAG_CONTINUE
// (the kernel runs the syscall itself). 'ENOENT': the target is gone or the id is stale.
Napi::Value SeccompNotifyRespond(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t id, val;
  if (!ArgNumber(info, 0, "fd") || info.Length() < 5 || !BigOrNumber(info[1], &id) || !BigOrNumber(info[2], &val) ||
      !info[3].IsNumber() || !info[4].IsNumber()) {
    Napi::TypeError::New(env, "seccompNotifyRespond(fd, id, val, error, flags)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fd = info[0].As<Napi::Number>().Int32Value();
  std::vector<char> reqBuf, respBuf;
  if (!NotifBuffers(&reqBuf, &respBuf)) {
    ThrowErrno(env, errno, "seccomp", "SECCOMP_GET_NOTIF_SIZES");
    return env.Undefined();
  }
  auto* resp = reinterpret_cast<struct seccomp_notif_resp*>(respBuf.data());
  resp->id = id;
  resp->val = static_cast<int64_t>(val);
  resp->error = info[3].As<Napi::Number>().Int32Value();
  resp->flags = info[4].As<Napi::Number>().Uint32Value();
  int rc;
  do rc = ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp); while (rc < 0 && errno == EINTR);
  if (rc < 0) ThrowErrno(env, errno, "ioctl", "SECCOMP_IOCTL_NOTIF_SEND");
  return env.Undefined();
}

}  // namespace berth
