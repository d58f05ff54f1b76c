// KEEPCAPS, SETGROUPS, SETRESGID, SETRESUID.
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"

void op_keepcaps(const Op&) {
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail("prctl", errno, "PR_SET_KEEPCAPS");
}

void op_setgroups(const Op& op) {
  const char* list = arg_str(op, 0);
  size_t n = list[0] ? 1 : 0;
  for (const char* p = list; *p; p++)
    if (*p == ',') n++;
  gid_t* gids = n ? (gid_t*)malloc(n * sizeof(gid_t)) : nullptr;
  if (n && !gids) fail("malloc", ENOMEM, list);
  size_t i = 0;
  const char* p = list;
  while (*p) {
    char* end;
    errno = 0;
    unsigned long v = strtoul(p, &end, 10);
    if (end == p || errno || (*end && *end != ',') || v > 0xffffffffUL) fail("plan", EINVAL, list);
    gids[i++] = (gid_t)v;
    p = *end ? end + 1 : end;
  }
  if (setgroups(i, gids) < 0) fail("setgroups", errno, list);
  free(gids);
}

void op_setresgid(const Op& op) {
  gid_t gid = (gid_t)arg_num(op, 0);
  if (setresgid(gid, gid, gid) < 0) fail("setresgid", errno, arg_str(op, 0));
}

void op_setresuid(const Op& op) {
  uid_t uid = (uid_t)arg_num(op, 0);
  if (setresuid(uid, uid, uid) < 0) fail("setresuid", errno, arg_str(op, 0));
}
