#include "plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

static uint32_t le32(const unsigned char* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static uint16_t le16(const unsigned char* p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static bool read_all(int fd, unsigned char** buf_out, size_t* len_out, int* err) {
  struct stat st;
  size_t cap = 4096;
  if (fstat(fd, &st) == 0 && st.st_size > 0) cap = (size_t)st.st_size + 1;
  unsigned char* buf = (unsigned char*)malloc(cap);
  if (!buf) { *err = ENOMEM; return false; }
  size_t len = 0;
  for (;;) {
    if (len == cap) {
      size_t ncap = cap * 2;
      unsigned char* nb = (unsigned char*)realloc(buf, ncap);
      if (!nb) { free(buf); *err = ENOMEM; return false; }
      buf = nb;
      cap = ncap;
    }
    ssize_t n = pread(fd, buf + len, cap - len, (off_t)len);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      free(buf);
      return false;
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  *buf_out = buf;
  *len_out = len;
  return true;
}

bool plan_read(int fd, Plan* out, int* err, const char** why) {
  unsigned char* buf;
  size_t len;
  *why = "read plan";
  if (!read_all(fd, &buf, &len, err)) return false;
  *err = EINVAL;
  if (len < 12 || memcmp(buf, "BPLN", 4) != 0) { *why = "bad magic"; free(buf); return false; }
  if (le32(buf + 4) != 1) { *why = "bad version"; free(buf); return false; }
  uint32_t count = le32(buf + 8);

  // First pass: validate the layout and size the arena.
  size_t off = 12, nargs = 0, arena = 0;
  for (uint32_t i = 0; i < count; i++) {
    if (len - off < 4) { *why = "truncated plan"; free(buf); return false; }
    uint16_t argc = le16(buf + off + 2);
    off += 4;
    for (uint16_t j = 0; j < argc; j++) {
      if (len - off < 4) { *why = "truncated plan"; free(buf); return false; }
      uint32_t alen = le32(buf + off);
      off += 4;
      if (len - off < alen) { *why = "truncated plan"; free(buf); return false; }
      off += alen;
      arena += ((size_t)alen + 1 + 7) & ~(size_t)7;
      nargs++;
    }
  }
  if (off != len) { *why = "trailing bytes in plan"; free(buf); return false; }

  // One allocation: ops, args, then the NUL-terminated argument bytes (8-byte aligned, so a
  // seccomp program can be used in place as a struct sock_filter array).
  size_t ops_sz = ((size_t)count * sizeof(Op) + 7) & ~(size_t)7;
  size_t args_sz = (nargs * sizeof(Arg) + 7) & ~(size_t)7;
  char* mem = (char*)malloc(ops_sz + args_sz + arena + 8);
  if (!mem) { *err = ENOMEM; *why = "plan too large"; free(buf); return false; }
  Op* ops = (Op*)mem;
  Arg* args = (Arg*)(mem + ops_sz);
  char* data = mem + ops_sz + args_sz;

  off = 12;
  size_t ai = 0;
  for (uint32_t i = 0; i < count; i++) {
    ops[i].code = le16(buf + off);
    ops[i].argc = le16(buf + off + 2);
    ops[i].args = args + ai;
    off += 4;
    for (uint16_t j = 0; j < ops[i].argc; j++) {
      uint32_t alen = le32(buf + off);
      off += 4;
      memcpy(data, buf + off, alen);
      data[alen] = 0;
      args[ai].s = data;
      args[ai].len = alen;
      ai++;
      off += alen;
      data += ((size_t)alen + 1 + 7) & ~(size_t)7;
    }
  }
  free(buf);
  out->count = count;
  out->ops = ops;
  return true;
}

bool parse_num(const char* s, long long* out) {
  bool neg = false;
  if (*s == '-') { neg = true; s++; }
  if (!*s) return false;
  unsigned long long v = 0;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    if (!parse_hex(s, &v)) return false;
  } else {
    for (; *s; s++) {
      if (*s < '0' || *s > '9') return false;
      unsigned long long nv = v * 10 + (unsigned)(*s - '0');
      if (nv / 10 != v) return false;
      v = nv;
    }
  }
  *out = neg ? -(long long)v : (long long)v;
  return true;
}

bool parse_hex(const char* s, unsigned long long* out) {
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
  if (!*s) return false;
  unsigned long long v = 0;
  int digits = 0;
  for (; *s; s++) {
    unsigned d;
    if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
    else if (*s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
    else if (*s >= 'A' && *s <= 'F') d = (unsigned)(*s - 'A' + 10);
    else return false;
    if (v == 0 && d == 0) continue;  // leading zeros
    if (++digits > 16) return false;
    v = (v << 4) | d;
  }
  *out = v;
  return true;
}

const char* arg_str(const Op& op, int i) { return op.args[i].s; }

long long arg_num(const Op& op, int i) {
  long long v;
  if (!parse_num(op.args[i].s, &v)) fail("plan", EINVAL, op.args[i].s);
  return v;
}

unsigned long long arg_mask(const Op& op, int i) {
  unsigned long long v;
  if (!parse_hex(op.args[i].s, &v)) fail("plan", EINVAL, op.args[i].s);
  return v;
}

unsigned long arg_octal(const Op& op, int i) {
  const char* s = op.args[i].s;
  if (!*s) fail("plan", EINVAL, s);
  unsigned long v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '7' || v > 0777777) fail("plan", EINVAL, op.args[i].s);
    v = (v << 3) | (unsigned long)(*s - '0');
  }
  return v;
}

bool arg_bool(const Op& op, int i) {
  const char* s = op.args[i].s;
  if (!*s || strcmp(s, "0") == 0 || strcmp(s, "false") == 0) return false;
  if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0) return true;
  fail("plan", EINVAL, s);
}
