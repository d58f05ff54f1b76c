// idmapProbe(): does this kernel take mount_setattr(MOUNT_ATTR_IDMAP)? One syscall that cannot
// change anything: dfd -1 and a userns fd that is not open, so a kernel that knows the call and
// the attribute fails with EBADF (or EINVAL/ENOSYS/EPERM when it, or a seccomp filter, does not).
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <napi.h>

namespace berth {

namespace {
struct ProbeMountAttr {
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};
const uint64_t kMountAttrIdmap = 0x00100000;
}  // namespace

// → the errno of that call (0 if it somehow succeeded).
Napi::Value IdmapProbe(const Napi::CallbackInfo& info) {
  ProbeMountAttr attr;
  memset(&attr, 0, sizeof attr);
  attr.attr_set = kMountAttrIdmap;
  attr.userns_fd = INT_MAX;
  long r = syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, &attr, sizeof attr);
  return Napi::Number::New(info.Env(), r < 0 ? errno : 0);
}

}  // namespace berth
