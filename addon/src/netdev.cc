// Network devices over rtnetlink (linux.netDevices): one request per call, every decision (which
// device, which name, which addresses, in what order) is made in TypeScript (src/netdev/).
// nsFd -1 means the runtime's own network namespace; any other fd names a network namespace
// (/proc/PID/ns/net): the socket is made there (setns on this thread and straight back).
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <napi.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "args.h"
#include "errors.h"

namespace berth {
namespace {

// A NETLINK_ROUTE socket in the network namespace nsFd (-1: this thread's own).
int RouteSocket(int nsFd) {
  if (nsFd < 0) return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0) return -1;
  if (setns(nsFd, CLONE_NEWNET) < 0) {
    int err = errno;
    close(self);
    errno = err;
    return -1;
  }
  int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  int err = errno;
  // Staying in the container's namespace would make every later socket of this thread its own.
  if (setns(self, CLONE_NEWNET) < 0) abort();
  close(self);
  errno = err;
  return s;
}

// A request under construction: header, fixed part, attributes.
class Request {
 public:
  Request(uint16_t type, uint16_t flags, const void* fixed, size_t len) {
    buf_.resize(NLMSG_SPACE(len));
    auto* h = reinterpret_cast<nlmsghdr*>(buf_.data());
    h->nlmsg_type = type;
    h->nlmsg_flags = NLM_F_REQUEST | flags;
    h->nlmsg_seq = 1;
    memcpy(NLMSG_DATA(h), fixed, len);
    h->nlmsg_len = NLMSG_LENGTH(len);
  }
  void Attr(uint16_t type, const void* data, size_t len) {
    size_t at = NLMSG_ALIGN(Header()->nlmsg_len);
    buf_.resize(at + RTA_SPACE(len));
    auto* a = reinterpret_cast<rtattr*>(buf_.data() + at);
    a->rta_type = type;
    a->rta_len = RTA_LENGTH(len);
    memcpy(RTA_DATA(a), data, len);
    Header()->nlmsg_len = at + RTA_LENGTH(len);
  }
  void String(uint16_t type, const std::string& s) { Attr(type, s.c_str(), s.size() + 1); }
  nlmsghdr* Header() { return reinterpret_cast<nlmsghdr*>(buf_.data()); }

 private:
  std::vector<char> buf_;
};

// Send one request and collect the replies up to the ACK (or NLMSG_DONE for a dump). Returns 0 or
// an errno (the kernel's refusal, or the socket's).
int Exchange(int nsFd, Request& req, std::vector<std::vector<char>>* replies) {
  int s = RouteSocket(nsFd);
  if (s < 0) return errno;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  nlmsghdr* h = req.Header();
  if (sendto(s, h, h->nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0) {
    int err = errno;
    close(s);
    return err;
  }
  std::vector<char> buf(64 * 1024);
  for (;;) {
    ssize_t n = recv(s, buf.data(), buf.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(s);
      return err;
    }
    int len = static_cast<int>(n);
    for (auto* m = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(m, len); m = NLMSG_NEXT(m, len)) {
      if (m->nlmsg_type == NLMSG_DONE) {
        close(s);
        return 0;
      }
      if (m->nlmsg_type == NLMSG_ERROR) {
        auto* e = static_cast<nlmsgerr*>(NLMSG_DATA(m));
        close(s);
        return -e->error;  // 0: the ACK
      }
      if (replies) replies->emplace_back(reinterpret_cast<char*>(m), reinterpret_cast<char*>(m) + m->nlmsg_len);
    }
  }
}

const char* Address(int family, const rtattr* a, char* out) {
  return inet_ntop(family, RTA_DATA(a), out, INET6_ADDRSTRLEN);
}

// { index, name, flags } of one RTM_NEWLINK reply.
Napi::Object LinkObject(Napi::Env env, const std::vector<char>& msg) {
  auto* h = reinterpret_cast<const nlmsghdr*>(msg.data());
  auto* ifi = static_cast<const ifinfomsg*>(NLMSG_DATA(h));
  Napi::Object o = Napi::Object::New(env);
  o.Set("index", ifi->ifi_index);
  o.Set("flags", ifi->ifi_flags);
  int len = IFLA_PAYLOAD(h);
  for (auto* a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if (a->rta_type == IFLA_IFNAME) o.Set("name", std::string(static_cast<const char*>(RTA_DATA(a))));
  }
  return o;
}

}  // namespace

// netLinkGet(nsFd, nameOrIndex): RTM_GETLINK of one device; null when there is none (ENODEV).
Napi::Value NetLinkGet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "nsFd")) return env.Undefined();
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  std::string what;
  bool byName = info.Length() > 1 && info[1].IsString();
  if (byName) {
    what = info[1].As<Napi::String>();
  } else {
    if (!ArgNumber(info, 1, "nameOrIndex")) return env.Undefined();
    ifi.ifi_index = info[1].As<Napi::Number>().Int32Value();
    what = "index " + std::to_string(ifi.ifi_index);
  }
  Request req(RTM_GETLINK, NLM_F_ACK, &ifi, sizeof ifi);
  if (byName) req.String(IFLA_IFNAME, what);
  std::vector<std::vector<char>> replies;
  int err = Exchange(info[0].As<Napi::Number>().Int32Value(), req, &replies);
  if (err == ENODEV) return env.Null();
  if (err == 0 && replies.empty()) err = ENODEV;
  if (err != 0) {
    ThrowErrno(env, err, "netlink RTM_GETLINK", what);
    return env.Undefined();
  }
  return LinkObject(env, replies[0]);
}

// netAddrs(nsFd, index): every address of the device (RTM_GETADDR dump, filtered here):
// { family: 4|6, prefixlen, flags (IFA_FLAGS when given), scope, local?, address?, broadcast? }.
Napi::Value NetAddrs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "nsFd") || !ArgNumber(info, 1, "index")) return env.Undefined();
  int index = info[1].As<Napi::Number>().Int32Value();
  ifaddrmsg ifa{};
  ifa.ifa_family = AF_UNSPEC;
  Request req(RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof ifa);
  std::vector<std::vector<char>> replies;
  int err = Exchange(info[0].As<Napi::Number>().Int32Value(), req, &replies);
  if (err != 0) {
    ThrowErrno(env, err, "netlink RTM_GETADDR", "index " + std::to_string(index));
    return env.Undefined();
  }
  Napi::Array out = Napi::Array::New(env);
  for (const auto& msg : replies) {
    auto* h = reinterpret_cast<const nlmsghdr*>(msg.data());
    if (h->nlmsg_type != RTM_NEWADDR) continue;
    auto* m = static_cast<const ifaddrmsg*>(NLMSG_DATA(h));
    if (static_cast<int>(m->ifa_index) != index || (m->ifa_family != AF_INET && m->ifa_family != AF_INET6)) continue;
    Napi::Object o = Napi::Object::New(env);
    o.Set("family", m->ifa_family == AF_INET ? 4 : 6);
    o.Set("prefixlen", m->ifa_prefixlen);
    o.Set("scope", m->ifa_scope);
    uint32_t flags = m->ifa_flags;
    char text[INET6_ADDRSTRLEN];
    int len = IFA_PAYLOAD(h);
    for (auto* a = IFA_RTA(m); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
      const char* name = a->rta_type == IFA_LOCAL ? "local" : a->rta_type == IFA_ADDRESS ? "address" : a->rta_type == IFA_BROADCAST ? "broadcast" : nullptr;
      if (name && Address(m->ifa_family, a, text)) o.Set(name, std::string(text));
      if (a->rta_type == IFA_FLAGS && RTA_PAYLOAD(a) >= sizeof(uint32_t)) memcpy(&flags, RTA_DATA(a), sizeof flags);
    }
    o.Set("flags", flags);
    out.Set(out.Length(), o);
  }
  return out;
}

// netLinkSet(nsFd, index, name, targetNsFd, up): one RTM_NEWLINK on an existing device: IFLA_IFNAME
// when name is not "", IFLA_NET_NS_FD when targetNsFd >= 0 (both in one request: the kernel moves,
// then renames), IFF_UP set (1) or cleared (0) unless up is -1.
Napi::Value NetLinkSet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "nsFd") || !ArgNumber(info, 1, "index") || !ArgString(info, 2, "name") || !ArgNumber(info, 3, "targetNsFd") ||
      !ArgNumber(info, 4, "up")) {
    return env.Undefined();
  }
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = info[1].As<Napi::Number>().Int32Value();
  int up = info[4].As<Napi::Number>().Int32Value();
  if (up >= 0) {
    ifi.ifi_change = IFF_UP;
    ifi.ifi_flags = up ? IFF_UP : 0;
  }
  Request req(RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof ifi);
  std::string name = info[2].As<Napi::String>();
  if (!name.empty()) req.String(IFLA_IFNAME, name);
  int target = info[3].As<Napi::Number>().Int32Value();
  if (target >= 0) {
    uint32_t fd = static_cast<uint32_t>(target);
    req.Attr(IFLA_NET_NS_FD, &fd, sizeof fd);
  }
  int err = Exchange(info[0].As<Napi::Number>().Int32Value(), req, nullptr);
  if (err != 0) ThrowErrno(env, err, "netlink RTM_NEWLINK", "index " + std::to_string(ifi.ifi_index));
  return env.Undefined();
}

// netAddrAdd(nsFd, index, { family, prefixlen, scope, flags, local?, address?, broadcast? }):
// RTM_NEWADDR (NLM_F_CREATE | NLM_F_EXCL) with exactly those fields.
Napi::Value NetAddrAdd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!ArgNumber(info, 0, "nsFd") || !ArgNumber(info, 1, "index")) return env.Undefined();
  if (info.Length() < 3 || !info[2].IsObject()) {
    Napi::TypeError::New(env, "address must be an object").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object o = info[2].As<Napi::Object>();
  int family = o.Get("family").As<Napi::Number>().Int32Value() == 4 ? AF_INET : AF_INET6;
  ifaddrmsg ifa{};
  ifa.ifa_family = family;
  ifa.ifa_prefixlen = o.Get("prefixlen").As<Napi::Number>().Uint32Value();
  ifa.ifa_scope = o.Get("scope").As<Napi::Number>().Uint32Value();
  ifa.ifa_index = info[1].As<Napi::Number>().Uint32Value();
  uint32_t flags = o.Get("flags").As<Napi::Number>().Uint32Value();
  ifa.ifa_flags = flags & 0xff;
  Request req(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
  req.Attr(IFA_FLAGS, &flags, sizeof flags);
  std::string shown;
  const struct { const char* key; uint16_t type; } fields[] = {{"local", IFA_LOCAL}, {"address", IFA_ADDRESS}, {"broadcast", IFA_BROADCAST}};
  for (const auto& f : fields) {
    Napi::Value v = o.Get(f.key);
    if (!v.IsString()) continue;
    std::string text = v.As<Napi::String>();
    unsigned char bytes[16];
    if (inet_pton(family, text.c_str(), bytes) != 1) {
      ThrowErrno(env, EINVAL, "inet_pton", text);
      return env.Undefined();
    }
    req.Attr(f.type, bytes, family == AF_INET ? 4 : 16);
    if (shown.empty()) shown = text + "/" + std::to_string(ifa.ifa_prefixlen);
  }
  int err = Exchange(info[0].As<Napi::Number>().Int32Value(), req, nullptr);
  if (err != 0) ThrowErrno(env, err, "netlink RTM_NEWADDR", shown);
  return env.Undefined();
}

}  // namespace berth
