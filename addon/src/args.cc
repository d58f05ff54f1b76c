#include "args.h"

#include <cerrno>
#include <string>

#include "errors.h"
#include "io.h"

namespace berth {

static bool Fail(const Napi::CallbackInfo& info, const char* name, const char* what) {
  Napi::TypeError::New(info.Env(), std::string(name) + " must be " + what).ThrowAsJavaScriptException();
  return false;
}

bool ArgNumber(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return info.Length() > i && info[i].IsNumber() ? true : Fail(info, name, "a number");
}

bool ArgString(const Napi::CallbackInfo& info, size_t i, const char* name) {
  return info.Length() > i && info[i].IsString() ? true : Fail(info, name, "a string");
}

int ReadableFdArg(const Napi::CallbackInfo& info, const char* what) {
  if (!ArgNumber(info, 0, "fd") || !ArgNumber(info, 1, "timeoutMs")) return -1;
  int fd = info[0].As<Napi::Number>().Int32Value();
  if (!WaitReadable(fd, info[1].As<Napi::Number>().Int32Value())) {
    ThrowErrno(info.Env(), errno, "poll", what);
    return -1;
  }
  return fd;
}

}  // namespace berth
