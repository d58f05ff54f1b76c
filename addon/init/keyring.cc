// KEYRING: give the container its own session keyring (runc's default; --no-new-keyring skips
// the op), so it does not share the caller's session keys.
#include <errno.h>
#include <linux/keyctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"

namespace {

// KEY_USR_SEARCH: lets processes of the container's uid search (and so join) the keyring that
// root made for it before the user switch.
constexpr unsigned long kUserSearch = 0x00080000;

long keyctl(int cmd, unsigned long a, unsigned long b, unsigned long c) {
  return syscall(SYS_keyctl, cmd, a, b, c, 0UL);
}

}  // namespace

void op_keyring(const Op& op) {
  const char* name = arg_str(op, 0);
  long id = keyctl(KEYCTL_JOIN_SESSION_KEYRING, (unsigned long)name, 0, 0);
  if (id < 0) {
    // No keyring support in this kernel (or a seccomp'd parent): best effort, as runc.
    if (errno == ENOSYS) return;
    fail("keyctl join session keyring", errno, name);
  }
  // "type;uid;gid;perm;description": keep the permissions, add user-search.
  char desc[512];
  long n = keyctl(KEYCTL_DESCRIBE, (unsigned long)id, (unsigned long)desc, sizeof desc - 1);
  if (n < 0) fail("keyctl describe", errno, name);
  desc[n < (long)sizeof desc ? n : (long)sizeof desc - 1] = 0;
  const char* p = desc;
  for (int field = 0; field < 3 && p; field++) {
    p = strchr(p, ';');
    if (p) p++;
  }
  if (!p) fail("keyctl describe", EINVAL, desc);
  unsigned long perm = strtoul(p, nullptr, 16);
  if (keyctl(KEYCTL_SETPERM, (unsigned long)id, perm | kUserSearch, 0) < 0) fail("keyctl setperm", errno, name);
}
