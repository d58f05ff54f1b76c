#include "args.h"

#include <string>

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

}  // namespace berth
