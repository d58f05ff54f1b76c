#include "report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

InitState g;

static int send_on(int fd, const char* buf, size_t len) {
  for (;;) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0) return 0;
    if (errno != EINTR) return -errno;
  }
}

int sync_send(const char* buf, size_t len) { return send_on(g.sync_fd, buf, len); }
int sync_send_str(const char* s) { return sync_send(s, strlen(s)); }

void fail(const char* syscall_name, int err, const char* detail) {
  char msg[4096 + 256];
  int n = snprintf(msg, sizeof msg, "error\t%d\t%s\t%d\t%s", g.op_index, syscall_name, err,
                   detail ? detail : "");
  if (n < 0) n = 0;
  if ((size_t)n >= sizeof msg) n = (int)sizeof msg - 1;
  int fd = (g.ready && g.start_conn >= 0) ? g.start_conn : g.sync_fd;
  send_on(fd, msg, (size_t)n);
  _exit(1);
}

void failf(const char* syscall_name, int err, const char* fmt, ...) {
  char detail[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  fail(syscall_name, err, detail);
}
