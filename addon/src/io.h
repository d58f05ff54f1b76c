// Small fd helpers shared by the socket files.
#pragma once

namespace berth {
// Wait until fd is readable (or at EOF/hang-up). False with errno set on failure, errno =
// ETIMEDOUT when timeoutMs passed first; timeoutMs < 0 waits forever. EINTR is retried.
bool WaitReadable(int fd, int timeoutMs);
}  // namespace berth
