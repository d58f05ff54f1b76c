// cgroup v2 device control: load a BPF_PROG_TYPE_CGROUP_DEVICE program (the instructions are
// built in TypeScript, src/cgroups/v2/device-program.ts) and attach it to a cgroup dir,
// replacing whatever programs were attached to that dir itself before (berth's own, from create
// or an earlier update). New first, then the old ones detached: no moment without a program.
#include <fcntl.h>
#include <linux/bpf.h>
#include <napi.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "errors.h"

namespace berth {
namespace {

long Bpf(int cmd, union bpf_attr* attr) {
  return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int LoadProgram(const Napi::Buffer<uint8_t>& insns, std::string* log) {
  static const char kLicense[] = "Apache-2.0";
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = reinterpret_cast<uint64_t>(insns.Data());
  attr.insn_cnt = static_cast<uint32_t>(insns.Length() / sizeof(struct bpf_insn));
  attr.license = reinterpret_cast<uint64_t>(kLicense);
  long fd = Bpf(BPF_PROG_LOAD, &attr);
  if (fd >= 0 || errno != EACCES) return static_cast<int>(fd);
  // The verifier refused it: load again with a log, for the error message.
  std::vector<char> buf(64 * 1024);
  attr.log_level = 1;
  attr.log_buf = reinterpret_cast<uint64_t>(buf.data());
  attr.log_size = static_cast<uint32_t>(buf.size());
  fd = Bpf(BPF_PROG_LOAD, &attr);
  int err = errno;
  *log = std::string(buf.data(), strnlen(buf.data(), buf.size()));
  errno = err;
  return static_cast<int>(fd);
}

// Ids of the device programs attached to the dir itself (not inherited ones).
bool QueryAttached(int cgfd, std::vector<uint32_t>* ids) {
  ids->assign(64, 0);
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.query.target_fd = cgfd;
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = reinterpret_cast<uint64_t>(ids->data());
  attr.query.prog_cnt = static_cast<uint32_t>(ids->size());
  if (Bpf(BPF_PROG_QUERY, &attr) < 0) return false;
  ids->resize(attr.query.prog_cnt);
  return true;
}

}  // namespace

// attachDeviceProgram(dir, insns): see src/native/addon.ts.
Napi::Value AttachDeviceProgram(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgString(info, 0, "dir")) return env.Undefined();
  if (info.Length() < 2 || !info[1].IsBuffer()) {
    Napi::TypeError::New(env, "attachDeviceProgram: insns must be a Buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string dir = info[0].As<Napi::String>();
  auto insns = info[1].As<Napi::Buffer<uint8_t>>();
  if (insns.Length() == 0 || insns.Length() % sizeof(struct bpf_insn) != 0) {
    Napi::TypeError::New(env, "attachDeviceProgram: insns is not a whole number of instructions").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int cgfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0) {
    ThrowErrno(env, errno, "open", dir);
    return env.Undefined();
  }
  std::vector<uint32_t> old;
  if (!QueryAttached(cgfd, &old)) {
    int err = errno;
    close(cgfd);
    ThrowErrno(env, err, "bpf(BPF_PROG_QUERY)", dir);
    return env.Undefined();
  }
  std::string log;
  int prog = LoadProgram(insns, &log);
  if (prog < 0) {
    int err = errno;
    close(cgfd);
    Napi::Error e = MakeErrno(env, err, "bpf(BPF_PROG_LOAD)", dir);
    if (!log.empty()) e.Set("verifierLog", Napi::String::New(env, log));
    e.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.target_fd = cgfd;
  attr.attach_bpf_fd = prog;
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (Bpf(BPF_PROG_ATTACH, &attr) < 0) {
    int err = errno;
    close(prog);
    close(cgfd);
    ThrowErrno(env, err, "bpf(BPF_PROG_ATTACH)", dir);
    return env.Undefined();
  }
  close(prog);  // the attachment holds the program now
  for (uint32_t id : old) {
    memset(&attr, 0, sizeof(attr));
    attr.prog_id = id;
    long ofd = Bpf(BPF_PROG_GET_FD_BY_ID, &attr);
    if (ofd < 0) {
      if (errno == ENOENT) continue;  // gone meanwhile
      int err = errno;
      close(cgfd);
      ThrowErrno(env, err, "bpf(BPF_PROG_GET_FD_BY_ID)", dir);
      return env.Undefined();
    }
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = cgfd;
    attr.attach_bpf_fd = static_cast<uint32_t>(ofd);
    attr.attach_type = BPF_CGROUP_DEVICE;
    long r = Bpf(BPF_PROG_DETACH, &attr);
    int err = errno;
    close(static_cast<int>(ofd));
    if (r < 0 && err != ENOENT) {
      close(cgfd);
      ThrowErrno(env, err, "bpf(BPF_PROG_DETACH)", dir);
      return env.Undefined();
    }
  }
  close(cgfd);
  return env.Undefined();
}

// attachedDevicePrograms(dir): ids of the device programs attached to dir itself (tests, checks).
Napi::Value AttachedDevicePrograms(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgString(info, 0, "dir")) return env.Undefined();
  std::string dir = info[0].As<Napi::String>();
  int cgfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0) {
    ThrowErrno(env, errno, "open", dir);
    return env.Undefined();
  }
  std::vector<uint32_t> ids;
  bool ok = QueryAttached(cgfd, &ids);
  int err = errno;
  close(cgfd);
  if (!ok) {
    ThrowErrno(env, err, "bpf(BPF_PROG_QUERY)", dir);
    return env.Undefined();
  }
  Napi::Array out = Napi::Array::New(env, ids.size());
  for (size_t i = 0; i < ids.size(); i++) out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, ids[i]));
  return out;
}

}  // namespace berth
