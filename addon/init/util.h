// Small helpers shared by the operation files.
#pragma once
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

// "/proc/self/fd/<fd>" into buf (at least 32 bytes).
const char* fd_path(char* buf, int fd);
// One sendmsg of data (len > 0) with fd attached (SCM_RIGHTS), EINTR retried; 0 or -errno.
int send_fd(int sock, int fd, const char* data, size_t len);
// write() until done or error; returns 0 or -errno.
int write_all(int fd, const char* buf, size_t len);
// open(path, O_WRONLY|O_CLOEXEC) and write content in one write; fails the op on error.
void write_file_or_fail(const char* path, const char* content, size_t len);
// A fork-style raw clone (no CLONE_VM); returns like fork().
pid_t raw_fork(unsigned long flags);
// Fills a sockaddr_un for path; when the path is longer than sun_path, opens its directory
// (*dirfd, to be closed by the caller after bind/connect) and uses /proc/self/fd/<dirfd>/<name>.
// Returns 0 or -errno.
int unix_addr(const char* path, struct sockaddr_un* addr, socklen_t* len, int* dirfd);
