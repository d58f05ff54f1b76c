// One handler per operation; each returns only on success (failures report and exit).
#pragma once
#include "plan.h"

// namespaces.cc
void op_setns(const Op& op);
void op_unshare(const Op& op);
void op_userns_maps(const Op& op);
void op_clone(const Op& op);
void op_join_by_runtime(const Op& op);
void op_become_root(const Op& op);
// mounts.cc
void op_mount(const Op& op);
void op_mount_in_root(const Op& op);
void op_mount_setattr_in_root(const Op& op);
void op_remount_ro(const Op& op);
// idmap.cc
void op_idmap_tree(const Op& op);
void op_move_mount_in_root(const Op& op);
// rootfs.cc
void op_pivot_root(const Op& op);
void op_move_root(const Op& op);
// devices.cc
void op_mknod_in_root(const Op& op);
void op_symlink_in_root(const Op& op);
void op_mkdir_in_root(const Op& op);
// masks.cc
void op_mask_path(const Op& op);
void op_readonly_path(const Op& op);
// hooks.cc
void op_sync_hooks(const Op& op);
void op_run_hook(const Op& op);
// process.cc
void op_cgroup_join(const Op& op);
void op_setsid(const Op& op);
void op_sethostname(const Op& op);
void op_setdomainname(const Op& op);
void op_write_file(const Op& op);
void op_oom_score_adj(const Op& op);
void op_rlimit(const Op& op);
void op_personality(const Op& op);
void op_scheduler(const Op& op);
void op_ioprio(const Op& op);
void op_cpu_affinity(const Op& op);
void op_mempolicy(const Op& op);
void op_chdir(const Op& op);
void op_umask(const Op& op);
// user.cc
void op_keepcaps(const Op& op);
void op_setgroups(const Op& op);
void op_setresgid(const Op& op);
void op_setresuid(const Op& op);
// capabilities.cc
void op_cap_bounding(const Op& op);
void op_caps(const Op& op);
// security.cc
void op_no_new_privs(const Op& op);
void op_seccomp(const Op& op);
// console.cc
void op_console_connect(const Op& op);
void op_console(const Op& op);
// start.cc
void op_start_listen(const Op& op);
void op_ready(const Op& op);
void op_wait_start(const Op& op);
// exec.cc
void op_close_fds(const Op& op);
void op_exec(const Op& op);
// keyring.cc
void op_keyring(const Op& op);
// find_exec.cc
void op_find_exec(const Op& op);
// dev_null.cc
void op_reopen_dev_null(const Op& op);
// copy_up.cc
void op_tmpcopyup(const Op& op);
