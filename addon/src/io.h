// Small fd helpers shared by the socket files.
#pragma once

namespace berth {
// Wait until fd is readable (or at EOF/hang-up). False with errno set on failure, errno =
// ETIMEDOUT when timeoutMs passed first; timeoutMs < 0 waits forever. EINTR is retried.
bool WaitReadable(int fd, int timeoutMs);
// One datagram into buf (recvmsg, EINTR retried). An fd that came with it (SCM_RIGHTS, the
// init's seccomp listener) is received close-on-exec into *gotFd (-1 when none; further fds
// are closed). Returns the length, 0 at EOF, -1 with errno set.
long RecvDatagram(int fd, char* buf, unsigned long len, int* gotFd);
}  // namespace berth
