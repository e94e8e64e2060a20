// Extracts the fd.* fields (SyscallField kFdFieldsBegin .. kUserFieldsBegin).
//
// Socket ends: "client"/"server" are the connection's roles; "local"/"remote" are this
// process's end and the far end. Local is the server end when this process is the server
// (FdView::role), else the client end. Falco decides by asking whether the client address is
// one of the host's interfaces; the two agree except for connections over loopback, where
// Falco calls the client end local even in the server process.
//
// fd.ip, fd.port and fd.net give the server end. In Falco they are filter-only fields that
// match either end; one value cannot say "either", and for the outbound connections rules
// mostly inspect, the server end is the far end they mean.

#include <array>

#include "engine/sources/syscall/extractors.h"
#include "engine/sources/syscall/syscall_field_ids.h"

namespace peregrine::engine {

namespace {

struct FdTypeNames {
  std::string_view type;
  std::string_view typechar;
};

// Indexed by FdType.
constexpr std::array<FdTypeNames, 17> kFdTypeNames = {{
    {"unknown", "o"},
    {"file", "f"},
    {"directory", "d"},
    {"ipv4", "4"},
    {"ipv6", "6"},
    {"unix", "u"},
    {"pipe", "p"},
    {"event", "e"},
    {"signalfd", "s"},
    {"eventpoll", "l"},
    {"inotify", "i"},
    {"timerfd", "t"},
    {"netlink", "n"},
    {"bpf", "b"},
    {"userfaultfd", "u"},
    {"io_uring", "r"},
    {"memfd", "m"},
}};
static_assert(kFdTypeNames.size() == static_cast<size_t>(FdType::kMemfd) + 1);

// An out-of-range type (bad input from the agent) reads as unknown rather than out of bounds.
const FdTypeNames& type_names(FdType t) {
  size_t i = static_cast<size_t>(t);
  return kFdTypeNames[i < kFdTypeNames.size() ? i : 0];
}

std::string_view l4proto_name(L4Proto p) {
  switch (p) {
    case L4Proto::kTcp: return "tcp";
    case L4Proto::kUdp: return "udp";
    case L4Proto::kIcmp: return "icmp";
    case L4Proto::kRaw: return "raw";
    case L4Proto::kUnknown: break;
  }
  return {};
}

bool known(const IpAddr& a) { return a.family != 0; }

// The ends of an IP socket whose roles are known; null members when an end is unknown.
struct Ends {
  const IpAddr* cip = nullptr;
  const IpAddr* sip = nullptr;
  uint16_t cport = 0;
  uint16_t sport = 0;
  const std::string* cname = nullptr;
  const std::string* sname = nullptr;
};

Ends socket_ends(const FdView& fd) {
  Ends ends;
  if (!fd.is_ip_socket() || fd.role == SocketRole::kNone) return ends;
  if (known(fd.cip)) {
    ends.cip = &fd.cip;
    ends.cport = fd.cport;
    ends.cname = &fd.cip_name;
  }
  if (known(fd.sip)) {
    ends.sip = &fd.sip;
    ends.sport = fd.sport;
    ends.sname = &fd.sip_name;
  }
  return ends;
}

// Local/remote need both ends: a listening socket has no far end yet.
bool local_is_server(const FdView& fd, const Ends& ends, bool& out) {
  if (!ends.cip || !ends.sip) return false;
  out = fd.is_server();
  return true;
}

bool set_addr(const IpAddr* a, Extraction& out) {
  if (!a) return false;
  out.set_ip(*a);
  return true;
}

bool set_port(const IpAddr* a, uint16_t port, Extraction& out) {
  if (!a) return false;
  out.set_uint(port);
  return true;
}

bool set_dns_name(const std::string* name, Extraction& out) {
  if (!name || name->empty()) return false;
  out.set_string(*name);
  return true;
}

// Falco's dirname for a file path: "/" for a top-level file, the path unchanged when it ends
// in '/'.
std::string_view file_directory(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  if (slash == path.size() - 1) return path;
  return path.substr(0, slash);
}

std::string_view file_basename(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == path.size() - 1) return path;
  return path.substr(slash + 1);
}

// The fd fields rules read on most events, one function each: the switch below calls them and
// fd_field_extractor() hands them to the engine directly.
bool fd_num(const FdView& fd, Extraction& out) {
  out.set_int(fd.num);
  return true;
}
bool fd_typechar(const FdView& fd, Extraction& out) {
  out.set_string(type_names(fd.type).typechar);
  return true;
}
bool fd_name(const FdView& fd, Extraction& out) {
  out.set_string(fd.name);
  return true;
}
bool fd_nameraw(const FdView& fd, Extraction& out) {
  out.set_string(fd.nameraw);
  return true;
}
bool fd_directory(const FdView& fd, Extraction& out) {
  if (fd.type == FdType::kDirectory) out.set_string(fd.name);
  else if (fd.type == FdType::kFile) out.set_string(file_directory(fd.name));
  else return false;
  return true;
}
bool fd_filename(const FdView& fd, Extraction& out) {
  if (fd.type != FdType::kFile) return false;
  out.set_string(file_basename(fd.name));
  return true;
}

template <bool (*F)(const FdView&, Extraction&)>
bool direct(const Event& event, const FieldRef&, Extraction& out) {
  const auto& e = static_cast<const SyscallEvent&>(event);
  return e.fd && F(*e.fd, out);
}

}  // namespace

FieldExtractor fd_field_extractor(uint32_t id) {
  switch (static_cast<SyscallField>(id)) {
    case kFdNum: return &direct<fd_num>;
    case kFdTypechar: return &direct<fd_typechar>;
    case kFdName: return &direct<fd_name>;
    case kFdNameraw: return &direct<fd_nameraw>;
    case kFdDirectory: return &direct<fd_directory>;
    case kFdFilename: return &direct<fd_filename>;
    default: return &as_field_extractor<extract_fd_field>;
  }
}

bool extract_fd_field(const SyscallEvent& e, const FieldRef& f, Extraction& out) {
  if (!e.fd) return false;
  const FdView& fd = *e.fd;
  const Ends ends = socket_ends(fd);
  bool local_server = false;

  switch (static_cast<SyscallField>(f.info->id)) {
    case kFdNum: return fd_num(fd, out);
    case kFdType: out.set_string(type_names(fd.type).type); return true;
    case kFdTypechar: return fd_typechar(fd, out);
    case kFdName: return fd_name(fd, out);
    case kFdNameraw: return fd_nameraw(fd, out);
    case kFdDirectory: return fd_directory(fd, out);
    case kFdFilename: return fd_filename(fd, out);
    case kFdIno:
      if (fd.ino == 0) return false;
      out.set_int(fd.ino);
      return true;
    case kFdIp:
    case kFdSip:
    case kFdNet:
    case kFdSnet: return set_addr(ends.sip, out);
    case kFdCip:
    case kFdCnet: return set_addr(ends.cip, out);
    case kFdLip:
    case kFdLnet:
      if (!local_is_server(fd, ends, local_server)) return false;
      return set_addr(local_server ? ends.sip : ends.cip, out);
    case kFdRip:
    case kFdRnet:
      if (!local_is_server(fd, ends, local_server)) return false;
      return set_addr(local_server ? ends.cip : ends.sip, out);
    case kFdPort:
    case kFdSport: return set_port(ends.sip, ends.sport, out);
    case kFdCport: return set_port(ends.cip, ends.cport, out);
    case kFdLport:
      if (!local_is_server(fd, ends, local_server)) return false;
      out.set_uint(local_server ? ends.sport : ends.cport);
      return true;
    case kFdRport:
      if (!local_is_server(fd, ends, local_server)) return false;
      out.set_uint(local_server ? ends.cport : ends.sport);
      return true;
    case kFdL4proto: {
      std::string_view p = l4proto_name(fd.l4proto);
      if (!fd.is_ip_socket() || p.empty()) return false;
      out.set_string(p);
      return true;
    }
    case kFdSockfamily:
      if (fd.is_ip_socket()) out.set_string("ip");
      else if (fd.type == FdType::kUnix) out.set_string("unix");
      else return false;
      return true;
    case kFdIsServer: out.set_bool(fd.is_server()); return true;
    case kFdConnected: out.set_bool(fd.connected); return true;
    case kFdNameChanged: out.set_bool(fd.name_changed); return true;
    case kFdCipName: return set_dns_name(ends.cname, out);
    case kFdSipName: return set_dns_name(ends.sname, out);
    case kFdLipName:
      if (!local_is_server(fd, ends, local_server)) return false;
      return set_dns_name(local_server ? ends.sname : ends.cname, out);
    case kFdRipName:
      if (!local_is_server(fd, ends, local_server)) return false;
      return set_dns_name(local_server ? ends.cname : ends.sname, out);
    default: return false;
  }
}

}  // namespace peregrine::engine
