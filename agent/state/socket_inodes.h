#pragma once
// Sockets that existed before the agent started: /proc/<pid>/fd only says "socket:[inode]",
// so the bootstrap looks the inode up in /proc/net/{tcp,tcp6,udp,udp6,unix} to rebuild the
// fd's tuple or path. Parsing is pure; load() reads the files once.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

class SocketInodes {
 public:
  // Reads <proc_root>/net/*; missing files are skipped.
  void load(const std::string& proc_root);
  // Parses one /proc/net/{tcp,tcp6,udp,udp6} text.
  void add_inet(std::string_view text, engine::L4Proto proto, bool v6);
  // Parses /proc/net/unix text.
  void add_unix(std::string_view text);

  // The socket with that inode as an FdView (num unset), or nullptr when unknown.
  const engine::FdView* find(uint64_t inode) const;

 private:
  std::unordered_map<uint64_t, engine::FdView> by_inode_;
};

// "127.0.0.1:8080->10.0.0.1:443": Falco's tuple text, client first.
std::string socket_tuple_name(const engine::FdView& fd);

}  // namespace peregrine::agent
