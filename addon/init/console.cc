// CONSOLE_CONNECT, CONSOLE.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "handlers.h"
#include "report.h"
#include "util.h"

void op_console_connect(const Op& op) {
  const char* path = arg_str(op, 0);
  struct sockaddr_un addr;
  socklen_t alen;
  int dirfd;
  int r = unix_addr(path, &addr, &alen, &dirfd);
  if (r < 0) fail("connect", -r, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("socket", errno, path);
  while (connect(fd, (struct sockaddr*)&addr, alen) < 0)
    if (errno != EINTR) fail("connect", errno, path);
  if (dirfd >= 0) close(dirfd);
  if (g.console_fd >= 0) close(g.console_fd);
  g.console_fd = fd;
}

// args: rows, cols, uid. The slave is given to the process's uid (its group kept: the devpts
// mount's gid=5), as runc does: a non-root process can use its own terminal (mode 620).
void op_console(const Op& op) {
  long long rows = arg_num(op, 0), cols = arg_num(op, 1), uid = arg_num(op, 2);
  if (g.console_fd < 0) fail("sendmsg", EBADF, "console socket");
  int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) fail("open", errno, "/dev/ptmx");
  int unlock = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0) fail("ioctl", errno, "TIOCSPTLCK");
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) fail("ioctl", errno, "TIOCGPTPEER");
  if (rows > 0 || cols > 0) {
    struct winsize ws;
    memset(&ws, 0, sizeof ws);
    ws.ws_row = (unsigned short)rows;
    ws.ws_col = (unsigned short)cols;
    if (ioctl(slave, TIOCSWINSZ, &ws) < 0) fail("ioctl", errno, "TIOCSWINSZ");
  }

  // The master goes to the console socket with the pty's name as payload (the shape
  // runc's console-socket receivers expect).
  unsigned int ptn = 0;
  char name[64];
  if (ioctl(master, TIOCGPTN, &ptn) < 0) fail("ioctl", errno, "TIOCGPTN");
  int nlen = snprintf(name, sizeof name, "/dev/pts/%u", ptn);
  int r = send_fd(g.console_fd, master, name, (size_t)nlen);
  if (r < 0) fail("sendmsg", -r, "console socket");
  close(master);
  close(g.console_fd);
  g.console_fd = -1;

  // EINVAL: the uid is not mapped in this user namespace; EPERM: the pty's owner is not. Then
  // the terminal stays as it is (runc skips these too).
  if (uid > 0 && fchown(slave, (uid_t)uid, (gid_t)-1) < 0 && errno != EINVAL && errno != EPERM) fail("fchown", errno, name);
  if (ioctl(slave, TIOCSCTTY, 0) < 0) fail("ioctl", errno, "TIOCSCTTY");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) fail("dup2", errno, name);
  if (slave > 2) close(slave);
}
