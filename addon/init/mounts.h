// Helpers shared by mounts.cc, masks.cc and idmap.cc.
#pragma once

// MS_* flags of the mount an fd is on (fstatfs f_flags translated). Returns false on error.
bool mount_flags_of(int fd, unsigned long* flags);
// An O_PATH fd of a bind source: under `root` (rootfd) it is resolved inside the root like a
// target, anything else is opened as the host path it is. Fails the op on error.
int open_bind_source(int rootfd, const char* root, const char* src);
