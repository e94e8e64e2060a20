// The fd.* fields of the syscall source.

#include "engine/sources/syscall/field_defs.h"

namespace peregrine::engine {

namespace {

constexpr const char* kDnsNote =
    "Needs the agent to track DNS answers for the address; missing when it knows no name.";

}  // namespace

std::vector<FieldDef> fd_field_defs() {
  using enum FieldType;
  const ArgForm kNo = ArgForm::kNone;
  return {
      {kFdNum, "fd.num", kInt64,
       "Number of the file descriptor the event is about; -1 when the call failed before "
       "one existed."},
      {kFdType, "fd.type", kString,
       "Kind of descriptor: file, directory, ipv4, ipv6, unix, pipe, event, signalfd, "
       "eventpoll, inotify, timerfd, netlink, bpf, userfaultfd, io_uring or memfd."},
      {kFdTypechar, "fd.typechar", kString,
       "Kind of descriptor as one character: f file, d directory, 4 ipv4, 6 ipv6, u unix, "
       "p pipe, e event, s signalfd, l eventpoll, i inotify, t timerfd, n netlink, b bpf, "
       "u userfaultfd, r io_uring, m memfd, o other."},
      {kFdName, "fd.name", kString,
       "Full name of the descriptor: the absolute path of a file, the connection tuple of a "
       "socket."},
      {kFdNameraw, "fd.nameraw", kString,
       "Path of a file exactly as the process passed it, before it was made absolute."},
      {kFdDirectory, "fd.directory", kString,
       "Directory holding the file (the path itself for a directory)."},
      {kFdFilename, "fd.filename", kString, "Name of the file without its directory."},
      {kFdIno, "fd.ino", kInt64, "Inode number of the file."},
      {kFdIp, "fd.ip", kIpAddr,
       "Address of the socket's server end (see fd.sip); an address or network to compare "
       "against."},
      {kFdCip, "fd.cip", kIpAddr, "Address of the client end of the connection."},
      {kFdSip, "fd.sip", kIpAddr, "Address of the server end of the connection."},
      {kFdLip, "fd.lip", kIpAddr, "Address of this process's end of the connection."},
      {kFdRip, "fd.rip", kIpAddr, "Address of the far end of the connection."},
      {kFdPort, "fd.port", kPort, "Port of the socket's server end (see fd.sport)."},
      {kFdCport, "fd.cport", kPort, "Port of the client end of the connection."},
      {kFdSport, "fd.sport", kPort, "Port of the server end of the connection."},
      {kFdLport, "fd.lport", kPort, "Port of this process's end of the connection."},
      {kFdRport, "fd.rport", kPort, "Port of the far end of the connection."},
      {kFdNet, "fd.net", kIpNet,
       "Server-end address, for comparing against a network (fd.net = 10.0.0.0/8)."},
      {kFdCnet, "fd.cnet", kIpNet, "Client address, for comparing against a network."},
      {kFdSnet, "fd.snet", kIpNet, "Server address, for comparing against a network."},
      {kFdLnet, "fd.lnet", kIpNet, "Local address, for comparing against a network."},
      {kFdRnet, "fd.rnet", kIpNet, "Remote address, for comparing against a network."},
      {kFdL4proto, "fd.l4proto", kString, "Transport protocol of a socket: tcp, udp, icmp or raw."},
      {kFdSockfamily, "fd.sockfamily", kString, "Family of a socket: ip or unix."},
      {kFdIsServer, "fd.is_server", kBool,
       "True when this process holds the server end of the connection."},
      {kFdConnected, "fd.connected", kBool, "True when the socket is connected."},
      {kFdNameChanged, "fd.name_changed", kBool,
       "True when this event changed the descriptor's name, as when a UDP socket talks to a "
       "new peer."},
      {kFdCipName, "fd.cip.name", kString, "Domain name the client address was resolved from.",
       kNo, kDnsNote},
      {kFdSipName, "fd.sip.name", kString, "Domain name the server address was resolved from.",
       kNo, kDnsNote},
      {kFdLipName, "fd.lip.name", kString, "Domain name the local address was resolved from.",
       kNo, kDnsNote},
      {kFdRipName, "fd.rip.name", kString, "Domain name the remote address was resolved from.",
       kNo, kDnsNote},
  };
}

}  // namespace peregrine::engine
