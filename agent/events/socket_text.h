#pragma once
// Sockets as the fd table keeps them: a driver socket tuple turned into an engine::FdView
// (type, protocol, client/server ends, Falco's "cip:cport->sip:sport" name), and raw sockaddr
// bytes as text.

#include <span>
#include <string>

#include "driver/reader/event_view.h"
#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

// Fills the socket fields of `fd` from `t`. `local_is_server`: this process holds the server
// end (accept, a listening/bound socket) rather than the client end (connect).
void apply_socktuple(const driver::SockTuple& t, bool local_is_server, engine::FdView& fd);

// The FdType of a socket of `family` (AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, ...).
engine::FdType socket_fd_type(int family);
// The L4 protocol of a socket of `type` (SOCK_STREAM ...) and `protocol`.
engine::L4Proto socket_l4proto(int type, int protocol);

// "10.0.0.1:443", "[::1]:80", "/run/x.sock"; empty for bytes that are no sockaddr.
std::string sockaddr_text(std::span<const uint8_t> bytes);

}  // namespace peregrine::agent
