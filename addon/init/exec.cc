// CLOSE_FDS, EXEC.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers.h"
#include "path_search.h"
#include "report.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace {

struct linux_dirent64 {
  unsigned long long d_ino;
  long long d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

void cloexec_from_proc(int from) {
  int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) fail("open", errno, "/proc/self/fd");
  alignas(8) char buf[2048];
  for (;;) {
    long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
    if (n < 0) fail("getdents64", errno, "/proc/self/fd");
    if (n == 0) break;
    for (long off = 0; off < n;) {
      struct linux_dirent64* d = (struct linux_dirent64*)(buf + off);
      off += d->d_reclen;
      char* end;
      long fd = strtol(d->d_name, &end, 10);
      if (*end || end == d->d_name || fd < from || fd == dir) continue;
      int fl = fcntl((int)fd, F_GETFD);
      if (fl >= 0 && !(fl & FD_CLOEXEC)) fcntl((int)fd, F_SETFD, fl | FD_CLOEXEC);
    }
  }
  close(dir);
}

struct ExecTry {
  char** argv;
  char** envp;
  bool eacces;  // some candidate existed but could not be executed
};

// execve returns only on failure: a missing candidate moves on, a denied one is remembered (as
// execvpe does), anything else is the answer.
bool try_exec(const char* full, void* ctx) {
  ExecTry* t = (ExecTry*)ctx;
  execve(full, t->argv, t->envp);
  switch (errno) {
    case ENOENT: case ENOTDIR: case ESTALE: case ENODEV: case ETIMEDOUT: return false;
    case EACCES: t->eacces = true; return false;
    default: fail("execve", errno, full);
  }
}

}  // namespace

void op_close_fds(const Op& op) {
  long long from = arg_num(op, 0);
  if (from < 0 || from > 0x7fffffff) fail("plan", EINVAL, arg_str(op, 0));
  if (syscall(SYS_close_range, (unsigned)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  // ENOSYS/EINVAL: an old kernel; EPERM (or any errno): a seccomp filter already loaded (it
  // goes before the user switch when no_new_privs is off) that does not know close_range, as
  // older profiles (runtime-tools' default among them) do not. Then walk /proc/self/fd.
  if (errno != ENOSYS && errno != EINVAL && errno != EPERM && errno != EACCES) fail("close_range", errno, arg_str(op, 0));
  cloexec_from_proc((int)from);
}

void op_exec(const Op& op) {
  const char* path = arg_str(op, 0);
  long long nargs = arg_num(op, 1);
  if (nargs < 0 || nargs > op.argc - 2) fail("plan", EINVAL, arg_str(op, 1));
  int nenv = op.argc - 2 - (int)nargs;
  char** argv = (char**)malloc(sizeof(char*) * ((size_t)nargs + 1 + (size_t)nenv + 1));
  if (!argv) fail("malloc", ENOMEM, path);
  for (int i = 0; i < nargs; i++) argv[i] = (char*)op.args[2 + i].s;
  argv[nargs] = nullptr;
  char** envp = argv + nargs + 1;
  const char* search = nullptr;
  for (int i = 0; i < nenv; i++) {
    envp[i] = (char*)op.args[2 + nargs + i].s;
    if (strncmp(envp[i], "PATH=", 5) == 0) search = envp[i] + 5;
  }
  envp[nenv] = nullptr;

  if (strchr(path, '/') || !path[0]) {
    execve(path, argv, envp);
    fail("execve", errno, path);
  }
  // PATH search in the process's environment (execvpe semantics).
  ExecTry t{argv, envp, false};
  path_search(path, search ? search : kDefaultPath, try_exec, &t);
  fail("execve", t.eacces ? EACCES : ENOENT, path);
}
