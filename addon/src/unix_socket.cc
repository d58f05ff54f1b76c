// Unix sockets: console sockets (connect, or listen/accept/receive the pty master for `run` in
// the foreground and for tests), and the socket helper start_socket.cc uses.
#include <fcntl.h>
#include <napi.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "unix_socket.h"

#include "args.h"
#include "errors.h"
#include "io.h"

namespace berth {

namespace {

// A sockaddr for path; a path too long for sun_path goes through /proc/self/fd/<dir fd>/<name>.
// *dirfd is set when a directory fd was opened (the caller closes it after bind/connect).
bool Address(const std::string& path, sockaddr_un* sa, socklen_t* len, int* dirfd) {
  *dirfd = -1;
  memset(sa, 0, sizeof *sa);
  sa->sun_family = AF_UNIX;
  std::string p = path;
  if (p.size() >= sizeof sa->sun_path) {
    size_t slash = p.rfind('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : p.substr(0, slash));
    *dirfd = open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (*dirfd < 0) return false;
    p = "/proc/self/fd/" + std::to_string(*dirfd) + "/" + p.substr(slash + 1);
    if (p.size() >= sizeof sa->sun_path) {
      close(*dirfd);
      *dirfd = -1;
      errno = ENAMETOOLONG;
      return false;
    }
  }
  memcpy(sa->sun_path, p.c_str(), p.size());
  *len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + p.size() + 1);
  return true;
}

}  // namespace

int OpenUnix(const std::string& path, int type, bool listening, const char** sys) {
  sockaddr_un sa;
  socklen_t len;
  int dirfd;
  if (!Address(path, &sa, &len, &dirfd)) {
    *sys = "open";
    return -1;
  }
  int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *sys = "socket";
    if (dirfd >= 0) close(dirfd);
    return -1;
  }
  int r;
  if (listening) {
    *sys = "bind";
    r = bind(fd, reinterpret_cast<sockaddr*>(&sa), len);
    if (r == 0) {
      *sys = "listen";
      r = listen(fd, 16);
    }
  } else {
    *sys = "connect";
    r = connect(fd, reinterpret_cast<sockaddr*>(&sa), len);
    if (r < 0 && errno == EINTR) {  // a unix connect completes or fails at once; see where it got
      struct pollfd p = {fd, POLLOUT, 0};
      while (poll(&p, 1, -1) < 0 && errno == EINTR) {
      }
      int soerr = 0;
      socklen_t l = sizeof soerr;
      r = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &l);
      if (r == 0 && soerr) {
        errno = soerr;
        r = -1;
      }
    }
  }
  int err = errno;
  if (dirfd >= 0) close(dirfd);
  if (r < 0) {
    close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

Napi::Value ConnectUnix(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgString(info, 0, "path")) return env.Undefined();
  std::string path = info[0].As<Napi::String>();
  const char* sys = "";
  int fd = OpenUnix(path, SOCK_STREAM, false, &sys);
  if (fd < 0) {
    ThrowErrno(env, errno, sys, path);
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

Napi::Value ListenUnix(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgString(info, 0, "path")) return env.Undefined();
  std::string path = info[0].As<Napi::String>();
  const char* sys = "";
  int fd = OpenUnix(path, SOCK_STREAM, true, &sys);
  if (fd < 0) {
    ThrowErrno(env, errno, sys, path);
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

Napi::Value AcceptFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ReadableFdArg(info, "listening socket");
  if (fd < 0) return env.Undefined();
  int c;
  do {
    c = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
  } while (c < 0 && errno == EINTR);
  if (c < 0) {
    ThrowErrno(env, errno, "accept");
    return env.Undefined();
  }
  return Napi::Number::New(env, c);
}

// Receive one fd sent with SCM_RIGHTS (the pty master from the init).
Napi::Value RecvFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = ReadableFdArg(info, "console socket");
  if (fd < 0) return env.Undefined();
  char data[256];
  int got;
  if (RecvDatagram(fd, data, sizeof data, &got) < 0) {
    ThrowErrno(env, errno, "recvmsg");
    return env.Undefined();
  }
  if (got < 0) {
    ThrowErrno(env, EBADF, "recvmsg", "no fd in message");
    return env.Undefined();
  }
  return Napi::Number::New(env, got);
}

}  // namespace berth
