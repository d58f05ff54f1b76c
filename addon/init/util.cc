#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "report.h"

const char* fd_path(char* buf, int fd) {
  snprintf(buf, 32, "/proc/self/fd/%d", fd);
  return buf;
}

int write_all(int fd, const char* buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

void write_file_or_fail(const char* path, const char* content, size_t len) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) fail("open", errno, path);
  ssize_t n;
  do n = write(fd, content, len); while (n < 0 && errno == EINTR);
  if (n < 0) fail("write", errno, path);
  if ((size_t)n != len) fail("write", EIO, path);
  close(fd);
}

pid_t raw_fork(unsigned long flags) {
  return (pid_t)syscall(SYS_clone, flags, 0, 0, 0, 0);
}

int unix_addr(const char* path, struct sockaddr_un* addr, socklen_t* len, int* dirfd) {
  *dirfd = -1;
  memset(addr, 0, sizeof *addr);
  addr->sun_family = AF_UNIX;
  size_t plen = strlen(path);
  if (plen == 0) return -EINVAL;
  if (plen < sizeof addr->sun_path) {
    memcpy(addr->sun_path, path, plen);
  } else {
    const char* slash = strrchr(path, '/');
    if (!slash || slash[1] == 0) return -ENAMETOOLONG;
    char dir[4096];
    size_t dlen = (size_t)(slash - path);
    if (dlen == 0) dlen = 1;  // "/name"
    if (dlen >= sizeof dir) return -ENAMETOOLONG;
    memcpy(dir, path, dlen);
    dir[dlen] = 0;
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    int n = snprintf(addr->sun_path, sizeof addr->sun_path, "/proc/self/fd/%d/%s", fd, slash + 1);
    if (n < 0 || (size_t)n >= sizeof addr->sun_path) {
      close(fd);
      return -ENAMETOOLONG;
    }
    *dirfd = fd;
    plen = (size_t)n;
  }
  *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1);
  return 0;
}

int send_fd(int sock, int fd, const char* data, size_t len) {
  struct iovec iov = {(void*)data, len};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  memset(&ctl, 0, sizeof ctl);
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctl.buf;
  msg.msg_controllen = sizeof ctl.buf;
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof(int));
  while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR) return -errno;
  return 0;
}
