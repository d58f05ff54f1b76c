// Unix socket helper shared by start_socket.cc and unix_socket.cc.
#pragma once
#include <string>

namespace berth {
// socket(AF_UNIX, type | SOCK_CLOEXEC) then connect (or bind + listen when listening) to path.
// A path too long for sun_path is reached through /proc/self/fd/<dir fd>/<name>.
// Returns the fd, or -1 with errno set and *sys naming the failed call.
int OpenUnix(const std::string& path, int type, bool listening, const char** sys);
}  // namespace berth
