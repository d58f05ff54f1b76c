// CAP_BOUNDING, CAPS.
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"

namespace {

int last_cap() {
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[16];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0) {
      buf[n] = 0;
      int v = 0;
      bool ok = false;
      for (char* p = buf; *p >= '0' && *p <= '9'; p++) { v = v * 10 + (*p - '0'); ok = true; }
      if (ok && v < 64) return v;
    }
  }
  // No /proc (or an odd one): probe the bounding set.
  int c = 0;
  while (c < 63 && prctl(PR_CAPBSET_READ, c + 1, 0, 0, 0) >= 0) c++;
  return c;
}

}  // namespace

void op_cap_bounding(const Op& op) {
  unsigned long long keep = arg_mask(op, 0);
  int last = last_cap();
  for (int c = 0; c <= last; c++) {
    if (keep & (1ULL << c)) continue;
    if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 0) continue;  // already gone
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
      char d[16];
      snprintf(d, sizeof d, "%d", c);
      fail("prctl", errno, d);
    }
  }
}

void op_caps(const Op& op) {
  unsigned long long eff = arg_mask(op, 0), perm = arg_mask(op, 1), inh = arg_mask(op, 2),
                     amb = arg_mask(op, 3);
  struct __user_cap_header_struct hdr;
  struct __user_cap_data_struct data[2];
  memset(&hdr, 0, sizeof hdr);
  memset(data, 0, sizeof data);
  hdr.version = _LINUX_CAPABILITY_VERSION_3;
  hdr.pid = 0;
  data[0].effective = (uint32_t)eff;
  data[1].effective = (uint32_t)(eff >> 32);
  data[0].permitted = (uint32_t)perm;
  data[1].permitted = (uint32_t)(perm >> 32);
  data[0].inheritable = (uint32_t)inh;
  data[1].inheritable = (uint32_t)(inh >> 32);
  if (syscall(SYS_capset, &hdr, data) < 0) fail("capset", errno, arg_str(op, 1));
  // The ambient set becomes exactly the mask.
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    fail("prctl", errno, "PR_CAP_AMBIENT_CLEAR_ALL");
  // The kernel only raises an ambient cap that is both permitted and inheritable; runc warns
  // and skips the others (runc's default spec has ambient caps and no inheritable ones), so
  // do the same: raise amb & perm & inh.
  amb &= perm & inh;
  for (int c = 0; c < 64; c++) {
    if (!(amb & (1ULL << c))) continue;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0) {
      char d[16];
      snprintf(d, sizeof d, "%d", c);
      fail("prctl", errno, d);
    }
  }
}
