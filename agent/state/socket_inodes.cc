#include "agent/state/socket_inodes.h"

#include <arpa/inet.h>

#include <cstring>
#include <vector>

#include "agent/state/file_util.h"
#include "common/strings.h"

namespace peregrine::agent {
namespace {

constexpr int kTcpListen = 10;  // st column of /proc/net/tcp

std::vector<std::string_view> columns(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <typename F>
void for_each_data_line(std::string_view text, F&& f) {
  bool header = true;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (header) {
      header = false;
      continue;
    }
    if (!line.empty()) f(line);
  }
}

std::optional<uint64_t> hex(std::string_view s) { return parse_uint64("0x" + std::string(s)); }

// "0100007F:1F90" (address as the kernel's native-endian words, port big-endian hex).
bool parse_endpoint(std::string_view s, bool v6, engine::IpAddr& addr, uint16_t& port) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view a = s.substr(0, colon);
  auto p = hex(s.substr(colon + 1));
  if (!p || *p > 0xffff) return false;
  port = static_cast<uint16_t>(*p);
  size_t words = v6 ? 4 : 1;
  if (a.size() != words * 8) return false;
  addr.family = v6 ? 6 : 4;
  addr.bytes = {};
  for (size_t w = 0; w < words; ++w) {
    auto word = hex(a.substr(w * 8, 8));
    if (!word) return false;
    uint32_t native = static_cast<uint32_t>(*word);
    std::memcpy(addr.bytes.data() + w * 4, &native, 4);
  }
  return true;
}

bool is_any(const engine::IpAddr& a) {
  for (uint8_t b : a.bytes) {
    if (b) return false;
  }
  return true;
}

}  // namespace

std::string socket_tuple_name(const engine::FdView& fd) {
  auto end = [](const engine::IpAddr& a, uint16_t port) {
    std::string s = a.family == 6 ? "[" + a.to_string() + "]" : a.to_string();
    return s + ":" + std::to_string(port);
  };
  if (fd.cip.family == 0) return end(fd.sip, fd.sport);
  return end(fd.cip, fd.cport) + "->" + end(fd.sip, fd.sport);
}

void SocketInodes::add_inet(std::string_view text, engine::L4Proto proto, bool v6) {
  for_each_data_line(text, [&](std::string_view line) {
    auto c = columns(line);
    if (c.size() < 10) return;
    engine::IpAddr local, remote;
    uint16_t lport = 0, rport = 0;
    if (!parse_endpoint(c[1], v6, local, lport) || !parse_endpoint(c[2], v6, remote, rport)) return;
    auto state = hex(c[3]);
    auto inode = parse_uint64(c[9]);
    if (!state || !inode || *inode == 0) return;
    engine::FdView fd;
    fd.type = v6 ? engine::FdType::kIpv6 : engine::FdType::kIpv4;
    fd.l4proto = proto;
    bool listening = (proto == engine::L4Proto::kTcp && *state == kTcpListen) ||
                     (proto == engine::L4Proto::kUdp && is_any(remote) && rport == 0);
    if (listening) {
      fd.role = engine::SocketRole::kServer;
      fd.sip = local;
      fd.sport = lport;
    } else {
      // Which end is the client is not in the table; the end with the lower port is the
      // likelier server (a listening port vs an ephemeral one).
      bool local_is_server = lport < rport;
      fd.role = local_is_server ? engine::SocketRole::kServer : engine::SocketRole::kClient;
      fd.sip = local_is_server ? local : remote;
      fd.sport = local_is_server ? lport : rport;
      fd.cip = local_is_server ? remote : local;
      fd.cport = local_is_server ? rport : lport;
      fd.connected = true;
    }
    fd.name = socket_tuple_name(fd);
    by_inode_[*inode] = std::move(fd);
  });
}

void SocketInodes::add_unix(std::string_view text) {
  // Num RefCount Protocol Flags Type St Inode [Path]
  for_each_data_line(text, [&](std::string_view line) {
    auto c = columns(line);
    if (c.size() < 7) return;
    auto inode = parse_uint64(c[6]);
    if (!inode) return;
    engine::FdView fd;
    fd.type = engine::FdType::kUnix;
    fd.name = c.size() > 7 ? std::string(c[7]) : "";
    by_inode_[*inode] = std::move(fd);
  });
}

void SocketInodes::load(const std::string& proc_root) {
  struct Table {
    const char* name;
    engine::L4Proto proto;
    bool v6;
  };
  static constexpr Table kTables[] = {{"tcp", engine::L4Proto::kTcp, false},
                                      {"tcp6", engine::L4Proto::kTcp, true},
                                      {"udp", engine::L4Proto::kUdp, false},
                                      {"udp6", engine::L4Proto::kUdp, true}};
  for (const Table& t : kTables) {
    if (auto text = read_small_file(proc_root + "/net/" + t.name, 64 << 20)) add_inet(*text, t.proto, t.v6);
  }
  if (auto text = read_small_file(proc_root + "/net/unix", 64 << 20)) add_unix(*text);
}

const engine::FdView* SocketInodes::find(uint64_t inode) const {
  auto it = by_inode_.find(inode);
  return it == by_inode_.end() ? nullptr : &it->second;
}

}  // namespace peregrine::agent
