// CHDIR: the process's working directory, in two tries around the user switch (as runc): the
// first while still root (a cwd only root may enter: a root-owned WORKDIR with a non-root user),
// the second after it, only when the first was refused (a cwd only the container user may enter:
// a volume chowned to it that root without CAP_DAC_OVERRIDE cannot search).
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

namespace {
bool retry_pending = false;

// The path is resolved inside "/" (after pivot: the container's root), never through a magic
// link (CVE-2024-21626). Returns 0 or the errno, with the failing syscall in *sys.
int change_dir(const char* path, const char** sys) {
  int rootfd = open_root("/");
  if (rootfd < 0) {
    *sys = "open";
    return -rootfd;
  }
  ResolveError e;
  int fd = resolve_in_root(rootfd, path, RESOLVE_NOCREATE, 0, &e);
  if (fd < 0 && (e.err == EPERM || e.err == ENOSYS) && strcmp(e.sys, "openat2") == 0) {
    // A seccomp filter loaded before this step (no no_new_privs) that predates openat2 (older
    // profiles, runtime-tools' default among them). Here the root is already the container's,
    // so a plain chdir cannot leave it either.
    close(rootfd);
    *sys = "chdir";
    return chdir(path) < 0 ? errno : 0;
  }
  close(rootfd);
  if (fd < 0) {
    *sys = e.sys;
    return e.err;
  }
  int err = fchdir(fd) < 0 ? errno : 0;
  close(fd);
  *sys = "chdir";
  return err;
}
}  // namespace

// args: path, "first" (before the user switch: EACCES/EPERM leaves it for the second try) or
// "again" (after it: a no-op unless the first try was refused).
void op_chdir(const Op& op) {
  const char* path = arg_str(op, 0);
  bool first = strcmp(arg_str(op, 1), "first") == 0;
  if (!first && !retry_pending) return;
  const char* sys = "chdir";
  int err = change_dir(path, &sys);
  if (err == 0) {
    retry_pending = false;
    return;
  }
  if (first && (err == EACCES || err == EPERM)) {
    retry_pending = true;
    return;
  }
  fail(sys, err, path);
}
