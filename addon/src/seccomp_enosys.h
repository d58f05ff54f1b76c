// The ENOSYS stub in front of a libseccomp program (runc does the same, libseccomp cannot):
// a syscall newer than every syscall the profile names for that architecture fails with ENOSYS
// instead of the default action, so the C library's fallbacks for kernels without it (clone3 to
// clone, fchmodat2 to fchmodat, ...) work under profiles written before those syscalls existed.
#pragma once
#include <linux/filter.h>
#include <seccomp.h>

#include <cstdint>
#include <map>
#include <vector>

namespace berth {

// Highest syscall number a profile names, per libseccomp architecture token (SCMP_ARCH_*).
using ArchMax = std::map<uint32_t, uint32_t>;

// Records nr for arch when it is the highest so far (negative numbers: libseccomp's pseudo
// syscalls for names the architecture lacks, ignored).
void NoteSyscall(ArchMax* max, uint32_t arch, int nr);

// The program with the stub in front; `program` unchanged when `max` is empty.
std::vector<sock_filter> WithEnosysStub(const ArchMax& max, const std::vector<sock_filter>& program);

}  // namespace berth
