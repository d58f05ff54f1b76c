// Argument checks shared by the exported functions.
#pragma once
#include <napi.h>

namespace berth {
// True when info[i] is a number; otherwise throws a TypeError naming the argument.
bool ArgNumber(const Napi::CallbackInfo& info, size_t i, const char* name);
bool ArgString(const Napi::CallbackInfo& info, size_t i, const char* name);
}  // namespace berth
