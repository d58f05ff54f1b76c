// Reading the plan from PLAN_FD and typed access to operation arguments.
#pragma once
#include <stddef.h>
#include <stdint.h>

struct Arg {
  const char* s;  // NUL-terminated copy, 8-byte aligned
  uint32_t len;   // length without the NUL
};

struct Op {
  uint16_t code;
  uint16_t argc;
  const Arg* args;
};

struct Plan {
  uint32_t count;
  Op* ops;
};

// Reads PLAN_FD from offset 0 to EOF and parses it. On failure returns false with
// *err (an errno value) and *why (a static description).
bool plan_read(int fd, Plan* out, int* err, const char** why);

// Argument accessors: a malformed number fails the current operation (error "plan", EINVAL).
const char* arg_str(const Op& op, int i);
long long arg_num(const Op& op, int i);             // decimal (may be negative) or 0x-hex
unsigned long long arg_mask(const Op& op, int i);   // hex without 0x (0x tolerated)
unsigned long arg_octal(const Op& op, int i);       // octal digits
bool arg_bool(const Op& op, int i);                 // "1"/"true" vs ""/"0"/"false"

// Plain parsers used by the accessors; return false on malformed input.
bool parse_num(const char* s, long long* out);
bool parse_hex(const char* s, unsigned long long* out);
