// Helpers shared by mounts.cc and masks.cc.
#pragma once

// MS_* flags of the mount an fd is on (fstatfs f_flags translated). Returns false on error.
bool mount_flags_of(int fd, unsigned long* flags);
