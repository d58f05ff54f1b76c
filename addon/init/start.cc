// START_LISTEN, READY, WAIT_START.
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"
#include "util.h"

void op_start_listen(const Op& op) {
  const char* path = arg_str(op, 0);
  struct sockaddr_un addr;
  socklen_t alen;
  int dirfd;
  int r = unix_addr(path, &addr, &alen, &dirfd);
  if (r < 0) fail("bind", -r, path);
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket", errno, path);
  if (bind(fd, (struct sockaddr*)&addr, alen) < 0) fail("bind", errno, path);
  if (dirfd >= 0) close(dirfd);
  if (listen(fd, 4) < 0) fail("listen", errno, path);
  if (g.start_listen >= 0) close(g.start_listen);
  g.start_listen = fd;
}

void op_ready(const Op&) {
  int r = sync_send_str("ready");
  if (r < 0) fail("send", -r, "ready");
  g.ready = true;
}

// Accepts until a connection says `start`; connections that say anything else (or nothing)
// are dropped. The accepted connection stays open (close-on-exec) so `start` sees EOF on
// exec or an `error` message.
void op_wait_start(const Op&) {
  if (g.start_listen < 0) fail("accept", EBADF, "start socket");
  for (;;) {
    int c = accept4(g.start_listen, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      fail("accept", errno, "start socket");
    }
    char buf[16];
    ssize_t n;
    do n = recv(c, buf, sizeof buf, 0); while (n < 0 && errno == EINTR);
    if (n == 5 && memcmp(buf, "start", 5) == 0) {
      g.start_conn = c;
      break;
    }
    close(c);
  }
  close(g.start_listen);  // a second `start` is refused
  g.start_listen = -1;
}
