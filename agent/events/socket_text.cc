#include "agent/events/socket_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

#include "agent/state/socket_inodes.h"

namespace peregrine::agent {
namespace {

engine::IpAddr ip_of(uint16_t family, const std::array<uint8_t, 16>& bytes) {
  engine::IpAddr a;
  a.family = family == AF_INET6 ? 6 : 4;
  if (a.family == 4) {
    std::memcpy(a.bytes.data(), bytes.data(), 4);
  } else {
    a.bytes = bytes;
  }
  return a;
}

}  // namespace

engine::FdType socket_fd_type(int family) {
  switch (family) {
    case AF_INET: return engine::FdType::kIpv4;
    case AF_INET6: return engine::FdType::kIpv6;
    case AF_UNIX: return engine::FdType::kUnix;
    case AF_NETLINK: return engine::FdType::kNetlink;
    default: return engine::FdType::kUnknown;
  }
}

engine::L4Proto socket_l4proto(int type, int protocol) {
  switch (protocol) {
    case IPPROTO_TCP: return engine::L4Proto::kTcp;
    case IPPROTO_UDP: return engine::L4Proto::kUdp;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6: return engine::L4Proto::kIcmp;
    default: break;
  }
  switch (type & 0xf) {
    case SOCK_STREAM: return engine::L4Proto::kTcp;
    case SOCK_DGRAM: return engine::L4Proto::kUdp;
    case SOCK_RAW: return engine::L4Proto::kRaw;
    default: return engine::L4Proto::kUnknown;
  }
}

void apply_socktuple(const driver::SockTuple& t, bool local_is_server, engine::FdView& fd) {
  if (t.family == AF_UNIX) {
    fd.type = engine::FdType::kUnix;
    if (!t.unix_path.empty()) fd.name = std::string(t.unix_path);
    return;
  }
  if (t.family != AF_INET && t.family != AF_INET6) return;
  fd.type = socket_fd_type(t.family);
  fd.l4proto = socket_l4proto(t.type, t.protocol);
  engine::IpAddr local = ip_of(t.family, t.laddr);
  engine::IpAddr remote = ip_of(t.family, t.raddr);
  fd.role = local_is_server ? engine::SocketRole::kServer : engine::SocketRole::kClient;
  bool has_peer = t.rport != 0;
  if (local_is_server) {
    fd.sip = local;
    fd.sport = t.lport;
    if (has_peer) {
      fd.cip = remote;
      fd.cport = t.rport;
    }
  } else {
    fd.cip = local;
    fd.cport = t.lport;
    fd.sip = remote;
    fd.sport = t.rport;
  }
  fd.connected = has_peer;
  std::string name = socket_tuple_name(fd);
  fd.name_changed = !fd.name.empty() && fd.name != name;
  fd.name = std::move(name);
}

std::string sockaddr_text(std::span<const uint8_t> bytes) {
  if (bytes.size() < sizeof(sa_family_t)) return {};
  sa_family_t family;
  std::memcpy(&family, bytes.data(), sizeof family);
  char buf[INET6_ADDRSTRLEN + 16];
  if (family == AF_INET && bytes.size() >= sizeof(sockaddr_in)) {
    sockaddr_in sa;
    std::memcpy(&sa, bytes.data(), sizeof sa);
    if (!inet_ntop(AF_INET, &sa.sin_addr, buf, sizeof buf)) return {};
    return std::string(buf) + ":" + std::to_string(ntohs(sa.sin_port));
  }
  if (family == AF_INET6 && bytes.size() >= sizeof(sockaddr_in6)) {
    sockaddr_in6 sa;
    std::memcpy(&sa, bytes.data(), sizeof sa);
    if (!inet_ntop(AF_INET6, &sa.sin6_addr, buf, sizeof buf)) return {};
    return "[" + std::string(buf) + "]:" + std::to_string(ntohs(sa.sin6_port));
  }
  if (family == AF_UNIX) {
    std::string_view path(reinterpret_cast<const char*>(bytes.data()) + sizeof(sa_family_t),
                          bytes.size() - sizeof(sa_family_t));
    if (!path.empty() && path.front() == '\0') {
      path.remove_prefix(1);  // abstract socket
      return "@" + std::string(path.substr(0, path.find('\0')));
    }
    return std::string(path.substr(0, path.find('\0')));
  }
  return {};
}

}  // namespace peregrine::agent
