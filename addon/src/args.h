// Argument checks shared by the exported functions.
#pragma once
#include <napi.h>

namespace berth {
// True when info[i] is a number; otherwise throws a TypeError naming the argument.
bool ArgNumber(const Napi::CallbackInfo& info, size_t i, const char* name);
bool ArgString(const Napi::CallbackInfo& info, size_t i, const char* name);
// For exports called as f(fd, timeoutMs, ...): checks both and waits until fd is readable.
// Returns the fd, or -1 after throwing (a TypeError, or the poll error naming `what`).
int ReadableFdArg(const Napi::CallbackInfo& info, const char* what);
}  // namespace berth
