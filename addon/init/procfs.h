// Writing procfs files that the bundle cannot redirect (CVE-2025-52881 class): sysctls, LSM
// attributes, oom_score_adj, timens offsets, id maps.
#pragma once
#include <stddef.h>

// Opens `path` ("/proc/..." only) for writing through a procfs handle: a fresh procfs
// instance (fsopen + fsmount, detached, reachable by nobody else) or, where the kernel does not
// allow one, the /proc of the current root checked to be the root of a procfs. The path is
// resolved beneath it with openat2 RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS (no mount crossed,
// so nothing mounted over a file or a dir under /proc is reached) and the result is checked
// with fstatfs == PROC_SUPER_MAGIC. Returns the fd, or -1 with *sys and errno set.
int proc_open_write(const char* path, const char** sys);

// proc_open_write + one write of content; fails the op (syscall, errno, path) on error.
void proc_write_or_fail(const char* path, const char* content, size_t len);
