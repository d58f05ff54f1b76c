// spawnInit: start berth-init from a sealed memfd copy (CVE-2019-5736) with the plan in a
// second memfd and one end of a SEQPACKET socketpair (docs/PLAN-FORMAT.md "Processes"). Given a
// cgroup v2 dir, the init is born in it: clone3(CLONE_INTO_CGROUP); else (and on kernels without
// it) a vfork-style clone sharing this process's memory until the execveat.
#include <fcntl.h>
#include <napi.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "args.h"
#include "clone3.h"
#include "errors.h"

namespace berth {
namespace {

struct Fds {
  int v[5] = {-1, -1, -1, -1, -1};
  ~Fds() {
    for (int fd : v)
      if (fd >= 0) close(fd);
  }
};

// Write all of buf to fd (a fresh memfd).
bool WriteAll(int fd, const char* buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    buf += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
// fork(), but born in the cgroup v2 dir open at cgroupFd: clone3 without CLONE_VM copies the
// address space as fork does. The raw syscall skips glibc's fork bookkeeping (atfork handlers,
// the thread's cached tid), so the child may make no pthread call: Child() makes none.
pid_t ForkIntoCgroup(int cgroupFd) {
  CloneArgs args = {};
  args.flags = CLONE_INTO_CGROUP;
  args.exit_signal = SIGCHLD;
  args.cgroup = static_cast<uint64_t>(cgroupFd);
  return static_cast<pid_t>(syscall(SYS_clone3, &args, sizeof args));
}

// clone3 errors that mean "this kernel cannot do it" (fall back to fork): no clone3 (< 5.3),
// a struct larger than it knows (E2BIG, < 5.7) or an unknown flag (EINVAL).
bool Clone3Unsupported(int err) {
  return err == ENOSYS || err == E2BIG || err == EINVAL;
}

// Copy all of src (size bytes) into dst: sendfile, or read/write where sendfile cannot.
bool CopyFile(int dst, int src, off_t size, int* err, const char** sys) {
  off_t off = 0;
  while (off < size) {
    ssize_t n = sendfile(dst, src, &off, static_cast<size_t>(size - off));
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EINVAL || errno == ENOSYS) && off == 0) break;  // fall back below
    *err = n < 0 ? errno : EIO, *sys = "sendfile";
    return false;
  }
  char buf[65536];
  while (off < size) {
    ssize_t n = pread(src, buf, sizeof buf, off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *err = n < 0 ? errno : EIO, *sys = "read";
      return false;
    }
    if (!WriteAll(dst, buf, static_cast<size_t>(n))) {
      *err = errno, *sys = "write";
      return false;
    }
    off += n;
  }
  return true;
}

// A sealed, executable memfd (CVE-2019-5736: the container can reach the init's executable
// through /proc/PID/exe; sealed, it cannot be written), filled by fill(mfd).
template <typename Fill>
int SealedMemfd(Fill fill, int* err, const char** sys) {
  // MFD_EXEC (Linux 6.3+) says so explicitly (no vm.memfd_noexec warning); older kernels
  // reject the flag, and their memfds are executable anyway.
  int mfd = static_cast<int>(syscall(SYS_memfd_create, "berth-init", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC));
  if (mfd < 0 && errno == EINVAL)
    mfd = static_cast<int>(syscall(SYS_memfd_create, "berth-init", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (mfd < 0) {
    *err = errno, *sys = "memfd_create";
    return -1;
  }
  if (!fill(mfd)) {
    close(mfd);
    return -1;
  }
  if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
    *err = errno, *sys = "fcntl F_ADD_SEALS";
    close(mfd);
    return -1;
  }
  return mfd;
}

// The sealed copy of the file at path (a checkout's dist/native/berth-init).
int SealedCopyOfFile(const std::string& path, int* err, const char** sys) {
  int src = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (src < 0) {
    *err = errno, *sys = "open";
    return -1;
  }
  struct stat st;
  if (fstat(src, &st) < 0) {
    *err = errno, *sys = "fstat";
    close(src);
    return -1;
  }
  int mfd = SealedMemfd([&](int fd) { return CopyFile(fd, src, st.st_size, err, sys); }, err, sys);
  close(src);
  return mfd;
}

// The sealed copy of bytes (the init embedded in the single executable).
int SealedCopyOfBytes(const char* data, size_t len, int* err, const char** sys) {
  return SealedMemfd(
      [&](int fd) {
        if (WriteAll(fd, data, len)) return true;
        *err = errno, *sys = "write";
        return false;
      },
      err, sys);
}

// Decimal text of n into buf (async-signal-safe); returns buf.
char* Itoa(long n, char* buf, size_t size) {
  char tmp[24];
  size_t i = 0;
  bool neg = n < 0;
  unsigned long u = neg ? static_cast<unsigned long>(-n) : static_cast<unsigned long>(n);
  do {
    tmp[i++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u && i < sizeof tmp);
  size_t j = 0;
  if (neg && j + 1 < size) buf[j++] = '-';
  while (i && j + 1 < size) buf[j++] = tmp[--i];
  buf[j] = 0;
  return buf;
}

// The child after fork: only async-signal-safe calls (Node is multi-threaded). Every signal
// is blocked on entry (the parent blocked them around fork), so no Node handler runs here.
[[noreturn]] void Child(int syncHi, int planHi, int exeHi, int base, int preserve, int maxFd, char* const argv[]) {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int s = 1; s < NSIG; s++) sigaction(s, &dfl, nullptr);  // Node ignores SIGPIPE; undo it.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // Node marks its stdio close-on-exec: the container's stdio and preserved fds must survive.
  for (int fd = 0; fd < 3 + preserve; fd++) fcntl(fd, F_SETFD, 0);
  // The container's stdio blocks, as programs expect: a JavaScript runtime (Bun's stdout
  // stream) or an engine may have left O_NONBLOCK on the open file description it shares with
  // us, and a program writing to a full pipe would then fail with EAGAIN.
  for (int fd = 0; fd < 3; fd++) {
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0 && (fl & O_NONBLOCK)) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  }
  // dup2 gives the copies no FD_CLOEXEC; the originals (above base + 1) close on exec.
  if (dup2(syncHi, base) < 0 || dup2(planHi, base + 1) < 0) _exit(126);
  // The init gets exactly stdio, the preserved fds, sync and plan: any other fd the runtime
  // itself inherited without close-on-exec (a caller's pipe, a leaked dir fd) stays behind.
  if (syscall(SYS_close_range, base + 2, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    for (int fd = base + 2; fd < maxFd; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
  static char const* const envp[] = {nullptr};
  syscall(SYS_execveat, exeHi, "", argv, envp, AT_EMPTY_PATH);
  // Tell the runtime why, on the sync socket, in the init's own error format (op index -1).
  char msg[96] = "error\t-1\texecveat\t";
  char num[16];
  Itoa(errno, num, sizeof num);
  size_t len = 18;
  for (char* p = num; *p && len < sizeof msg - 2; p++) msg[len++] = *p;
  msg[len++] = '\t';
  send(base, msg, len, MSG_NOSIGNAL);
  _exit(127);
}

struct ChildArgs {
  int syncHi, planHi, exeHi, base, preserve, maxFd;
  char* const* argv;
};

int ChildEntry(void* p) {
  const auto* a = static_cast<const ChildArgs*>(p);
  Child(a->syncHi, a->planHi, a->exeHi, a->base, a->preserve, a->maxFd, a->argv);
}

// fork() without copying the address space, as posix_spawn does: the child runs in this
// process's memory, on a stack of its own, until its execveat, and this thread waits until then
// (CLONE_VFORK). A JavaScript runtime's process is large and multi-threaded: fork would copy its
// page tables and make every page it writes afterwards fault once. Child() only makes syscalls
// (errno, shared with this waiting thread, is all it writes besides its own stack); it has its
// own fd table and signal dispositions (no CLONE_FILES, no CLONE_SIGHAND), and every signal
// stays blocked until it has reset them, so no handler of the runtime runs in it.
pid_t SpawnSharingMemory(ChildArgs* a) {
  const size_t size = 256 * 1024;
  void* stack = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return -1;
  pid_t pid = clone(ChildEntry, static_cast<char*>(stack) + size, CLONE_VM | CLONE_VFORK | SIGCHLD, a);
  int e = errno;
  munmap(stack, size);  // the child has exec'd or exited: CLONE_VFORK waited for that
  errno = e;
  return pid;
}

}  // namespace

Napi::Value SpawnInit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // The init: a path to copy, or its bytes (a Buffer).
  if (!info[0].IsBuffer() && !ArgString(info, 0, "init")) return env.Undefined();
  if (!ArgNumber(info, 2, "preserveFds")) return env.Undefined();
  if (!info[1].IsBuffer()) {
    Napi::TypeError::New(env, "plan must be a Buffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string initPath = info[0].IsBuffer() ? "berth-init (embedded)" : info[0].As<Napi::String>().Utf8Value();
  auto plan = info[1].As<Napi::Buffer<char>>();
  int preserve = info[2].As<Napi::Number>().Int32Value();
  if (preserve < 0 || preserve > 1000) {
    Napi::RangeError::New(env, "preserveFds out of range").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string cgroupDir;
  if (info.Length() > 3 && !info[3].IsUndefined()) {
    if (!ArgString(info, 3, "cgroupDir")) return env.Undefined();
    cgroupDir = info[3].As<Napi::String>();
    if (cgroupDir.empty() || cgroupDir[0] != '/') {
      Napi::TypeError::New(env, "cgroupDir must be an absolute path").ThrowAsJavaScriptException();
      return env.Undefined();
    }
  }
  const int base = 3 + preserve;  // the init's sync fd; the plan fd is base + 1

  // 0: runtime end, 1: init end, 2: plan memfd, 3: init memfd, 4: cgroup dir (all moved above base+1)
  Fds f;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    ThrowErrno(env, errno, "socketpair");
    return env.Undefined();
  }
  f.v[0] = sv[0];
  f.v[1] = sv[1];
  int planFd = static_cast<int>(syscall(SYS_memfd_create, "berth-plan", MFD_CLOEXEC));
  if (planFd < 0) {
    ThrowErrno(env, errno, "memfd_create");
    return env.Undefined();
  }
  f.v[2] = planFd;
  if (!WriteAll(planFd, plan.Data(), plan.Length()) || lseek(planFd, 0, SEEK_SET) < 0) {
    ThrowErrno(env, errno, "write", "plan memfd");
    return env.Undefined();
  }
  int err = 0;
  const char* sys = "";
  if (info[0].IsBuffer()) {
    auto bytes = info[0].As<Napi::Buffer<char>>();
    f.v[3] = SealedCopyOfBytes(bytes.Data(), bytes.Length(), &err, &sys);
  } else {
    f.v[3] = SealedCopyOfFile(initPath, &err, &sys);
  }
  if (f.v[3] < 0) {
    ThrowErrno(env, err, sys, initPath);
    return env.Undefined();
  }
  if (!cgroupDir.empty()) {
    // O_PATH is enough: the kernel takes the fd with fdget_raw and checks write access to the
    // dir's cgroup.procs itself, as for a write to it.
    f.v[4] = open(cgroupDir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (f.v[4] < 0) {
      ThrowErrno(env, errno, "open", cgroupDir);
      return env.Undefined();
    }
  }
  // Move every fd made here above the numbers the child gives out (stdio, preserved fds, sync
  // and plan): had the runtime run with a closed stdio, socketpair could have returned 0..2, and
  // the child would clear close-on-exec on the runtime's own end.
  for (int i = 0; i < 5; i++) {
    if (f.v[i] < 0) continue;
    int hi = fcntl(f.v[i], F_DUPFD_CLOEXEC, base + 2);
    if (hi < 0) {
      ThrowErrno(env, errno, "fcntl F_DUPFD_CLOEXEC");
      return env.Undefined();
    }
    close(f.v[i]);
    f.v[i] = hi;
  }
  char syncArg[16], planArg[16];
  Itoa(base, syncArg, sizeof syncArg);
  Itoa(base + 1, planArg, sizeof planArg);
  char name[] = "berth-init";
  char* const argv[] = {name, syncArg, planArg, nullptr};

  struct rlimit nofile;
  int maxFd = getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < 1u << 20 ? static_cast<int>(nofile.rlim_cur) : 1 << 20;
  // Block every signal across fork/clone3: until the child has reset the dispositions, a signal
  // would run one of Node's handlers in the child (writing to libuv's signal pipe, shared with us).
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = -1;
  int clone3Err = 0;  // why clone3 was not used (0: it was, or no cgroupDir was given)
  if (f.v[4] >= 0) {
    pid = ForkIntoCgroup(f.v[4]);
    if (pid == 0) Child(f.v[1], f.v[2], f.v[3], base, preserve, maxFd, argv);
    if (pid < 0) clone3Err = errno;
  }
  const bool intoCgroup = pid > 0;
  const bool useFork = f.v[4] < 0 || Clone3Unsupported(clone3Err);
  if (useFork) {
    ChildArgs args{f.v[1], f.v[2], f.v[3], base, preserve, maxFd, argv};
    pid = SpawnSharingMemory(&args);
  }
  const int spawnErr = pid < 0 ? (useFork ? errno : clone3Err) : 0;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) {
    // Any clone3 error but "unsupported" is about the cgroup: EBUSY (controllers enabled for
    // its children), EACCES/EPERM/ENOENT (no right to move a process there), ENODEV (removed),
    // EOPNOTSUPP (an invalid threaded domain), EBADF (not a cgroup v2 dir).
    if (useFork) ThrowErrno(env, spawnErr, "clone");
    else ThrowErrno(env, spawnErr, "clone3", cgroupDir);
    return env.Undefined();
  }

  int runtimeEnd = f.v[0];
  f.v[0] = -1;  // returned to JS; the rest close with f
  Napi::Object out = Napi::Object::New(env);
  out.Set("pid", Napi::Number::New(env, pid));
  out.Set("syncFd", Napi::Number::New(env, runtimeEnd));
  out.Set("intoCgroup", Napi::Boolean::New(env, intoCgroup));
  if (clone3Err != 0) out.Set("clone3Error", Napi::String::New(env, ErrnoName(clone3Err)));
  return out;
}

}  // namespace berth
