// FIND_EXEC: at create, check that the process's program exists and is executable in the
// container (after the root switch, cwd and user), so a typo fails `create` as it does with runc
// rather than `start`. Same lookup as EXEC: a name with a '/' is taken as is, others are searched
// in the process's PATH.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "handlers.h"
#include "path_search.h"
#include "report.h"

namespace {

// 0 when path names an executable regular file for the current (effective) credentials.
int executable(const char* path) {
  struct stat st;
  if (stat(path, &st) < 0) return errno;
  if (S_ISDIR(st.st_mode)) return EISDIR;
  if (!S_ISREG(st.st_mode)) return EACCES;
  if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) == 0) return 0;
  // glibc implements AT_EACCESS with faccessat2, which a seccomp filter already loaded (before
  // the user switch when no_new_privs is off) may not know: older profiles, runtime-tools'
  // default among them, answer EPERM. X_OK never fails with EPERM or ENOSYS on its own, so then
  // decide from the mode bits, as runc (Go's LookPath) does.
  if (errno != EPERM && errno != ENOSYS) return errno;
  return (st.st_mode & 0111) ? 0 : EACCES;
}

struct FindTry {
  int seen;  // EACCES once a candidate existed but was not executable
};

bool try_find(const char* full, void* ctx) {
  int err = executable(full);
  if (err == EACCES) ((FindTry*)ctx)->seen = EACCES;
  return err == 0;
}

}  // namespace

void op_find_exec(const Op& op) {
  const char* path = arg_str(op, 0);
  const char* search = arg_str(op, 1);
  if (!path[0]) fail("stat", ENOENT, "(empty program name)");
  if (strchr(path, '/')) {
    int err = executable(path);
    if (err) fail("stat", err, path);
    return;
  }
  FindTry t{ENOENT};
  if (path_search(path, search[0] ? search : kDefaultPath, try_find, &t)) return;
  fail("search $PATH", t.seen, path);
}
