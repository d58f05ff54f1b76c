// PIVOT_ROOT, MOVE_ROOT.
#include <errno.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers.h"
#include "host_mounts.h"
#include "report.h"

void op_pivot_root(const Op& op) {
  const char* root = arg_str(op, 0);
  if (chdir(root) < 0) fail("chdir", errno, root);
  if (syscall(SYS_pivot_root, ".", ".") < 0) fail("pivot_root", errno, root);
  // The old root is now stacked on "." (umount2 looks up the topmost mount there). The plan
  // made "/" rslave/rprivate before, so the detach does not propagate to the host. (No
  // MS_SLAVE|MS_REC on "." here: a mount(2) on "." reaches the *new* root, and would undo the
  // propagation the plan chose for the container's mounts.)
  if (umount2(".", MNT_DETACH) < 0) fail("umount2", errno, "old root");
  if (chdir("/") < 0) fail("chdir", errno, "/");
}

// --no-pivot: the host's /proc and /sys (and any other full procfs or sysfs outside the root)
// would stay in the container's mount namespace under the moved root, where a nested user
// namespace could use them to mount an unmasked procfs (runc's msMoveRoot does the same).
void op_move_root(const Op& op) {
  const char* root = arg_str(op, 0);
  hide_host_proc_sys(root);
  if (chdir(root) < 0) fail("chdir", errno, root);
  if (mount(root, "/", nullptr, MS_MOVE, nullptr) < 0) fail("mount", errno, root);
  if (chroot(".") < 0) fail("chroot", errno, root);
  if (chdir("/") < 0) fail("chdir", errno, "/");
}
