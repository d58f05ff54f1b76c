// Per-container lock: flock on a file in the container's state dir.
#include <fcntl.h>
#include <napi.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "args.h"
#include "errors.h"

namespace berth {

Napi::Value LockFile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgString(info, 0, "path")) return env.Undefined();
  std::string path = info[0].As<Napi::String>();
  bool wait = info.Length() > 1 && info[1].ToBoolean();
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    ThrowErrno(env, errno, "open", path);
    return env.Undefined();
  }
  int r;
  do {
    r = flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
  } while (r < 0 && errno == EINTR);
  if (r < 0) {
    int err = errno;
    close(fd);
    ThrowErrno(env, err, "flock", path);
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

}  // namespace berth
