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
#include "report.h"

namespace {

// 0 when path names an executable regular file for the current (effective) credentials.
int executable(const char* path) {
  struct stat st;
  if (stat(path, &st) < 0) return errno;
  if (S_ISDIR(st.st_mode)) return EISDIR;
  if (!S_ISREG(st.st_mode)) return EACCES;
  if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0) return errno;
  return 0;
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
  if (!search[0]) search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t plen = strlen(path);
  int seen = ENOENT;
  for (const char* p = search;;) {
    const char* end = strchr(p, ':');
    size_t dlen = end ? (size_t)(end - p) : strlen(p);
    char full[4096];
    if (dlen + 1 + plen + 1 <= sizeof full) {
      size_t o = 0;
      if (dlen == 0) full[o++] = '.';
      else { memcpy(full, p, dlen); o = dlen; }
      full[o++] = '/';
      memcpy(full + o, path, plen + 1);
      int err = executable(full);
      if (err == 0) return;
      if (err == EACCES) seen = EACCES;
    }
    if (!end) break;
    p = end + 1;
  }
  fail("search $PATH", seen, path);
}
