#include "seccomp_enosys.h"

#include <linux/audit.h>
#include <linux/seccomp.h>

#include <cerrno>
#include <cstddef>

namespace berth {

namespace {

constexpr uint32_t kX32Bit = 0x40000000;  // __X32_SYSCALL_BIT
constexpr uint32_t kArchOffset = offsetof(struct seccomp_data, arch);
constexpr uint32_t kNrOffset = offsetof(struct seccomp_data, nr);

sock_filter Stmt(uint16_t code, uint32_t k) { return sock_filter{code, 0, 0, k}; }
sock_filter Jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) { return sock_filter{code, jt, jf, k}; }

// A forward jump to be resolved once the stub's length is known.
enum Target : uint8_t { kNext = 0, kEnosys, kProgram };
struct Insn {
  sock_filter f;
  Target jt = kNext, jf = kNext;
};

}  // namespace

void NoteSyscall(ArchMax* max, uint32_t arch, int nr) {
  if (nr < 0) return;
  uint32_t n = static_cast<uint32_t>(nr);
  if (arch == SCMP_ARCH_X32) n |= kX32Bit;  // the kernel reports x32 calls as x86_64 | bit 30
  auto it = max->find(arch);
  if (it == max->end() || n > it->second) (*max)[arch] = n;
}

std::vector<sock_filter> WithEnosysStub(const ArchMax& max, const std::vector<sock_filter>& program) {
  if (max.empty()) return program;
  std::vector<Insn> s;
  s.push_back({Stmt(BPF_LD | BPF_W | BPF_ABS, kArchOffset)});
  auto x32 = max.find(SCMP_ARCH_X32);
  for (const auto& [arch, top] : max) {
    if (arch == SCMP_ARCH_X32) continue;  // handled inside the x86_64 block
    // if (A != arch) skip this block: jf is patched to the block's end below.
    size_t head = s.size();
    s.push_back({Jump(BPF_JMP | BPF_JEQ | BPF_K, arch, 0, 0)});
    s.push_back({Stmt(BPF_LD | BPF_W | BPF_ABS, kNrOffset)});
    if (arch == SCMP_ARCH_X86_64) {
      // x32 numbers carry bit 30: compare them with the x32 maximum (or leave them to the program).
      s.push_back({Jump(BPF_JMP | BPF_JGE | BPF_K, kX32Bit, 1, 0)});
      s.push_back({Jump(BPF_JMP | BPF_JGT | BPF_K, top, 0, 0), kEnosys, kProgram});
      if (x32 != max.end()) s.push_back({Jump(BPF_JMP | BPF_JGT | BPF_K, x32->second, 0, 0), kEnosys, kProgram});
      else s.push_back({Stmt(BPF_JMP | BPF_JA, 0), kProgram, kProgram});
    } else {
      s.push_back({Jump(BPF_JMP | BPF_JGT | BPF_K, top, 0, 0), kEnosys, kProgram});
    }
    s[head].f.jf = static_cast<uint8_t>(s.size() - head - 1);
  }
  s.push_back({Stmt(BPF_JMP | BPF_JA, 0), kProgram, kProgram});  // another architecture
  size_t enosys = s.size();
  s.push_back({Stmt(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA))});
  size_t prog = s.size();

  std::vector<sock_filter> out;
  out.reserve(s.size() + program.size());
  for (size_t i = 0; i < s.size(); i++) {
    sock_filter f = s[i].f;
    auto dist = [&](Target t) -> uint32_t { return static_cast<uint32_t>((t == kEnosys ? enosys : prog) - i - 1); };
    if (BPF_CLASS(f.code) == BPF_JMP && BPF_OP(f.code) == BPF_JA) {
      if (s[i].jt == kProgram) f.k = dist(kProgram);
    } else {
      if (s[i].jt != kNext) f.jt = static_cast<uint8_t>(dist(s[i].jt));
      if (s[i].jf != kNext) f.jf = static_cast<uint8_t>(dist(s[i].jf));
    }
    out.push_back(f);
  }
  out.insert(out.end(), program.begin(), program.end());
  return out;
}

}  // namespace berth
