// seccompCompile: a linux.seccomp filter, already reduced by src/seccomp/plan.ts to numbers and
// libseccomp names, compiled with libseccomp into a raw BPF program (struct sock_filter array)
// that berth-init loads with seccomp(2). The init never links libseccomp.
// seccompProbe: what this libseccomp and kernel support (for `berth features` and for checks
// before a plan is built).
#include <fcntl.h>
#include <napi.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "errors.h"
#include "seccomp_enosys.h"

namespace berth {

namespace {

// Owns a libseccomp context.
struct Filter {
  scmp_filter_ctx ctx = nullptr;
  ~Filter() {
    if (ctx) seccomp_release(ctx);
  }
};

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

bool GetUint64(Napi::Value v, uint64_t* out) {
  if (v.IsBigInt()) {
    bool lossless = false;
    *out = v.As<Napi::BigInt>().Uint64Value(&lossless);
    return lossless;
  }
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (d < 0 || d > 18446744073709551615.0 || d != static_cast<double>(static_cast<uint64_t>(d))) return false;
    *out = static_cast<uint64_t>(d);
    return true;
  }
  return false;
}

bool GetUint32(Napi::Object o, const char* key, uint32_t* out) {
  Napi::Value v = o.Get(key);
  uint64_t x;
  if (!GetUint64(v, &x) || x > 0xffffffffULL) return false;
  *out = static_cast<uint32_t>(x);
  return true;
}

void TypeError(Napi::Env env, const std::string& what) {
  Napi::TypeError::New(env, "seccompCompile: " + what).ThrowAsJavaScriptException();
}

// Reads a whole fd from offset 0.
bool ReadAll(int fd, std::vector<char>* out) {
  off_t end = lseek(fd, 0, SEEK_END);
  if (end < 0) return false;
  out->resize(static_cast<size_t>(end));
  size_t got = 0;
  while (got < out->size()) {
    ssize_t n = pread(fd, out->data() + got, out->size() - got, static_cast<off_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  out->resize(got);
  return true;
}

}  // namespace

// seccompCompile({ defaultAction, architectures: string[], rules: [{ name, action, args: [{
// index, op, value, valueTwo }], at }] }) → { program: Buffer, skippedRules: number[],
// skippedArchitectures: string[] }.
// Actions are kernel SECCOMP_RET_* values (data included); ops are libseccomp's enum
// scmp_compare; values are BigInt or safe integers. A rule whose syscall name libseccomp does
// not know is skipped (its index is returned); so is an architecture it does not know.
// libseccomp errors are thrown with errno, the libseccomp function and the rule's `at`.
Napi::Value SeccompCompile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    TypeError(env, "input must be an object");
    return env.Undefined();
  }
  Napi::Object in = info[0].As<Napi::Object>();
  uint32_t defAction;
  if (!GetUint32(in, "defaultAction", &defAction)) {
    TypeError(env, "defaultAction must be a uint32");
    return env.Undefined();
  }
  Filter f;
  f.ctx = seccomp_init(defAction);
  if (!f.ctx) {
    ThrowErrno(env, EINVAL, "seccomp_init", "defaultAction");
    return env.Undefined();
  }
  // The filter is exported, never loaded by libseccomp: no NO_NEW_PRIVS from it. A binary tree
  // of syscalls keeps a ~300-rule profile's per-syscall cost low.
  int rc = seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (rc == 0) rc = seccomp_attr_set(f.ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  if (rc < 0) {
    ThrowErrno(env, -rc, "seccomp_attr_set");
    return env.Undefined();
  }

  // Every architecture the filter covers (the native one, then those asked for), for the ENOSYS stub.
  std::vector<uint32_t> archTokens{seccomp_arch_native()};
  Napi::Array skippedArchs = Napi::Array::New(env);
  Napi::Value archsV = in.Get("architectures");
  if (!archsV.IsUndefined()) {
    if (!archsV.IsArray()) {
      TypeError(env, "architectures must be an array");
      return env.Undefined();
    }
    Napi::Array archs = archsV.As<Napi::Array>();
    for (uint32_t i = 0; i < archs.Length(); i++) {
      Napi::Value a = archs.Get(i);
      if (!a.IsString()) {
        TypeError(env, "architectures must be strings");
        return env.Undefined();
      }
      std::string name = a.As<Napi::String>();
      uint32_t token = seccomp_arch_resolve_name(name.c_str());
      if (token == 0) {
        skippedArchs.Set(skippedArchs.Length(), a);
        continue;
      }
      rc = seccomp_arch_add(f.ctx, token);
      if (rc < 0 && rc != -EEXIST) {
        ThrowErrno(env, -rc, "seccomp_arch_add", name);
        return env.Undefined();
      }
      if (rc == 0) archTokens.push_back(token);
    }
  }

  ArchMax newest;
  Napi::Array skippedRules = Napi::Array::New(env);
  Napi::Value rulesV = in.Get("rules");
  if (!rulesV.IsArray()) {
    TypeError(env, "rules must be an array");
    return env.Undefined();
  }
  Napi::Array rules = rulesV.As<Napi::Array>();
  for (uint32_t i = 0; i < rules.Length(); i++) {
    Napi::Value rv = rules.Get(i);
    if (!rv.IsObject()) {
      TypeError(env, "rules must be objects");
      return env.Undefined();
    }
    Napi::Object r = rv.As<Napi::Object>();
    Napi::Value nameV = r.Get("name");
    Napi::Value atV = r.Get("at");
    std::string at = atV.IsString() ? atV.As<Napi::String>().Utf8Value() : "rule " + std::to_string(i);
    uint32_t action;
    if (!nameV.IsString() || !GetUint32(r, "action", &action)) {
      TypeError(env, at + ": a rule needs a name and a uint32 action");
      return env.Undefined();
    }
    std::string name = nameV.As<Napi::String>();
    int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) {
      skippedRules.Set(skippedRules.Length(), Napi::Number::New(env, i));
      continue;
    }
    for (uint32_t token : archTokens) NoteSyscall(&newest, token, seccomp_syscall_resolve_name_arch(token, name.c_str()));
    std::vector<scmp_arg_cmp> cmps;
    Napi::Value argsV = r.Get("args");
    if (argsV.IsArray()) {
      Napi::Array args = argsV.As<Napi::Array>();
      for (uint32_t j = 0; j < args.Length(); j++) {
        Napi::Value av = args.Get(j);
        if (!av.IsObject()) {
          TypeError(env, at + ": args must be objects");
          return env.Undefined();
        }
        Napi::Object a = av.As<Napi::Object>();
        uint32_t index, op;
        uint64_t value, valueTwo = 0;
        if (!GetUint32(a, "index", &index) || !GetUint32(a, "op", &op) || !GetUint64(a.Get("value"), &value) ||
            (!a.Get("valueTwo").IsUndefined() && !GetUint64(a.Get("valueTwo"), &valueTwo))) {
          TypeError(env, at + ": an argument needs index, op, value (uint64) and optional valueTwo");
          return env.Undefined();
        }
        scmp_arg_cmp c;
        c.arg = index;
        c.op = static_cast<scmp_compare>(op);
        c.datum_a = value;
        c.datum_b = valueTwo;
        cmps.push_back(c);
      }
    }
    rc = seccomp_rule_add_array(f.ctx, action, nr, static_cast<unsigned>(cmps.size()), cmps.empty() ? nullptr : cmps.data());
    if (rc < 0) {
      ThrowErrno(env, -rc, "seccomp_rule_add", at + " (" + name + ")");
      return env.Undefined();
    }
  }

  Fd mem;
  mem.fd = static_cast<int>(syscall(SYS_memfd_create, "berth-seccomp", MFD_CLOEXEC));
  if (mem.fd < 0) {
    ThrowErrno(env, errno, "memfd_create", "seccomp program");
    return env.Undefined();
  }
  rc = seccomp_export_bpf(f.ctx, mem.fd);
  if (rc < 0) {
    ThrowErrno(env, -rc, "seccomp_export_bpf");
    return env.Undefined();
  }
  std::vector<char> prog;
  if (!ReadAll(mem.fd, &prog)) {
    ThrowErrno(env, errno, "read", "seccomp program");
    return env.Undefined();
  }
  // Newer syscalls than the profile knows get ENOSYS where the default would refuse them.
  uint32_t defKind = defAction & SECCOMP_RET_ACTION_FULL;
  if (defKind == SCMP_ACT_ALLOW || defKind == SCMP_ACT_LOG) newest.clear();
  std::vector<sock_filter> insns(prog.size() / sizeof(sock_filter));
  memcpy(insns.data(), prog.data(), insns.size() * sizeof(sock_filter));
  insns = WithEnosysStub(newest, insns);
  Napi::Object out = Napi::Object::New(env);
  out.Set("program", Napi::Buffer<char>::Copy(env, reinterpret_cast<const char*>(insns.data()), insns.size() * sizeof(sock_filter)));
  out.Set("skippedRules", skippedRules);
  out.Set("skippedArchitectures", skippedArchs);
  return out;
}

// seccompProbe({ actions: number[], flags: number[], architectures: string[] }) → { actions:
// boolean[], flags: boolean[], architectures: boolean[], version: string }.
// actions: SECCOMP_GET_ACTION_AVAIL; flags: seccomp(SECCOMP_SET_MODE_FILTER, flags, NULL) fails
// with EFAULT only once the kernel has accepted the flags (nothing is loaded);
// architectures: names this libseccomp knows.
Napi::Value SeccompProbe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    Napi::TypeError::New(env, "seccompProbe: input must be an object").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object in = info[0].As<Napi::Object>();
  Napi::Object out = Napi::Object::New(env);
  auto each = [&](const char* key, auto test) -> bool {
    Napi::Value v = in.Get(key);
    Napi::Array res = Napi::Array::New(env);
    if (v.IsArray()) {
      Napi::Array a = v.As<Napi::Array>();
      for (uint32_t i = 0; i < a.Length(); i++) {
        bool ok = false;
        if (!test(a.Get(i), &ok)) {
          Napi::TypeError::New(env, std::string("seccompProbe: bad ") + key).ThrowAsJavaScriptException();
          return false;
        }
        res.Set(i, Napi::Boolean::New(env, ok));
      }
    }
    out.Set(key, res);
    return true;
  };
  bool good = each("actions", [](Napi::Value v, bool* ok) {
    uint64_t x;
    if (!GetUint64(v, &x) || x > 0xffffffffULL) return false;
    uint32_t action = static_cast<uint32_t>(x);
    *ok = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0;
    return true;
  });
  good = good && each("flags", [](Napi::Value v, bool* ok) {
    uint64_t x;
    if (!GetUint64(v, &x) || x > 0xffffffffULL) return false;
    *ok = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, static_cast<unsigned>(x), nullptr) < 0 && errno == EFAULT;
    return true;
  });
  good = good && each("architectures", [](Napi::Value v, bool* ok) {
    if (!v.IsString()) return false;
    *ok = seccomp_arch_resolve_name(v.As<Napi::String>().Utf8Value().c_str()) != 0;
    return true;
  });
  if (!good) return env.Undefined();
  const scmp_version* ver = seccomp_version();
  out.Set("version", Napi::String::New(env, std::to_string(ver->major) + "." + std::to_string(ver->minor) + "." +
                                                std::to_string(ver->micro)));
  return out;
}

}  // namespace berth
