// Errors the addon throws: JS Error with errno, code, syscall and path, message
// "<syscall> <path>: <strerror>" (TypeScript turns them into one-line user messages).
#pragma once
#include <napi.h>
#include <string>

namespace berth {
void ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string& path = "");
Napi::Error MakeErrno(Napi::Env env, int err, const char* syscall, const std::string& path = "");
const char* ErrnoName(int err);
}  // namespace berth
