// berth-init: executes the plan of docs/PLAN-FORMAT.md.
// argv = ["berth-init", SYNC_FD, PLAN_FD].
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "handlers.h"
#include "ops.h"
#include "plan.h"
#include "report.h"

namespace {

struct OpDef {
  const char* name;
  int argc;     // exact count, or the minimum when variadic
  bool variadic;
  void (*fn)(const Op&);
};

const OpDef kOps[BERTH_OP_MAX + 1] = {
    {nullptr, 0, false, nullptr},
    {"CONSOLE_CONNECT", 1, false, op_console_connect},
    {"START_LISTEN", 1, false, op_start_listen},
    {"CGROUP_JOIN", 1, false, op_cgroup_join},
    {"SETNS", 2, false, op_setns},
    {"UNSHARE", 1, false, op_unshare},
    {"WRITE_FILE", 2, false, op_write_file},
    {"USERNS_MAPS", 5, false, op_userns_maps},
    {"CLONE", 1, false, op_clone},
    {"BECOME_ROOT", 0, false, op_become_root},
    {"SETSID", 0, false, op_setsid},
    {"MOUNT", 5, false, op_mount},
    {"MOUNT_IN_ROOT", 7, false, op_mount_in_root},
    {"MOUNT_SETATTR_IN_ROOT", 6, false, op_mount_setattr_in_root},
    {"MKNOD_IN_ROOT", 7, false, op_mknod_in_root},
    {"SYMLINK_IN_ROOT", 3, false, op_symlink_in_root},
    {"MKDIR_IN_ROOT", 3, false, op_mkdir_in_root},
    {"SYNC_HOOKS", 1, false, op_sync_hooks},
    {"RUN_HOOK", 4, true, op_run_hook},
    {"PIVOT_ROOT", 1, false, op_pivot_root},
    {"MOVE_ROOT", 1, false, op_move_root},
    {"MASK_PATH", 1, false, op_mask_path},
    {"READONLY_PATH", 1, false, op_readonly_path},
    {"SETHOSTNAME", 1, false, op_sethostname},
    {"SETDOMAINNAME", 1, false, op_setdomainname},
    {"REMOUNT_RO", 1, false, op_remount_ro},
    {"RLIMIT", 3, false, op_rlimit},
    {"PERSONALITY", 1, false, op_personality},
    {"SCHEDULER", 7, false, op_scheduler},
    {"IOPRIO", 2, false, op_ioprio},
    {"CONSOLE", 3, false, op_console},
    {"CHDIR", 2, false, op_chdir},
    {"UMASK", 1, false, op_umask},
    {"CAP_BOUNDING", 1, false, op_cap_bounding},
    {"KEEPCAPS", 0, false, op_keepcaps},
    {"SETGROUPS", 1, false, op_setgroups},
    {"SETRESGID", 1, false, op_setresgid},
    {"SETRESUID", 1, false, op_setresuid},
    {"CAPS", 4, false, op_caps},
    {"NO_NEW_PRIVS", 0, false, op_no_new_privs},
    {"SECCOMP", 2, false, op_seccomp},
    {"CLOSE_FDS", 1, false, op_close_fds},
    {"READY", 0, false, op_ready},
    {"WAIT_START", 0, false, op_wait_start},
    {"EXEC", 2, true, op_exec},
    {"OOM_SCORE_ADJ", 1, false, op_oom_score_adj},
    {"KEYRING", 1, false, op_keyring},
    {"FIND_EXEC", 2, false, op_find_exec},
    {"IDMAP_TREE", 8, false, op_idmap_tree},
    {"MOVE_MOUNT_IN_ROOT", 4, false, op_move_mount_in_root},
    {"REOPEN_DEV_NULL", 0, false, op_reopen_dev_null},
    {"TMPCOPYUP", 6, false, op_tmpcopyup},
    {"CPU_AFFINITY", 1, false, op_cpu_affinity},
    {"MEMPOLICY", 2, false, op_mempolicy},
    {"JOIN_BY_RUNTIME", 0, false, op_join_by_runtime},
};

bool parse_fd(const char* s, int* fd) {
  long long v;
  if (!parse_num(s, &v) || v < 0 || v > 0x7fffffff) return false;
  *fd = (int)v;
  return true;
}

void dispatch(const Op& op) {
  if (op.code > BERTH_OP_MAX || !kOps[op.code].fn) failf("plan", EINVAL, "unknown operation %u", op.code);
  const OpDef& d = kOps[op.code];
  if (d.variadic ? op.argc < d.argc : op.argc != d.argc)
    failf("plan", EINVAL, "%s: %u arguments, expected %s%d", d.name, op.argc,
          d.variadic ? "at least " : "", d.argc);
  d.fn(op);
}

}  // namespace

int main(int argc, char** argv) {
  int sync_fd, plan_fd;
  if (argc != 3 || !parse_fd(argv[1], &sync_fd) || !parse_fd(argv[2], &plan_fd)) {
    static const char usage[] = "usage: berth-init SYNC_FD PLAN_FD\n";
    if (write(2, usage, sizeof usage - 1) < 0) {}
    return 2;
  }
  fcntl(sync_fd, F_SETFD, FD_CLOEXEC);
  fcntl(plan_fd, F_SETFD, FD_CLOEXEC);
  g.sync_fd = sync_fd;

  Plan plan;
  int err;
  const char* why;
  if (!plan_read(plan_fd, &plan, &err, &why)) fail("plan", err, why);
  close(plan_fd);

  for (uint32_t i = 0; i < plan.count; i++) {
    g.op_index = (int)i;
    dispatch(plan.ops[i]);
  }
  _exit(0);
}
