#pragma once
// Reads what the kernel tells about a thread through procfs, for the bootstrap at start and
// for threads that appear in events before the agent knew them. The proc root is a parameter
// (/proc, /host/proc, or a fake tree in tests).
//
// A thread that vanishes while being read yields nullopt; a file that cannot be read leaves its
// fields unknown. Never throws. Not thread-safe (caches the boot time).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/state/process_table.h"
#include "agent/state/socket_inodes.h"

namespace peregrine::agent {

struct StatFields {
  std::string comm;
  int64_t ppid = -1;
  int64_t pgrp = -1;
  int64_t session = -1;
  uint32_t tty = 0;
  uint64_t start_ticks = 0;  // since boot, in clock ticks
};
// Parses /proc/<pid>/stat (comm may hold spaces and parentheses: the last ')' ends it).
std::optional<StatFields> parse_stat(std::string_view text);

// NUL-separated strings (cmdline, environ); a trailing NUL does not make an empty entry.
std::vector<std::string> split_nul(std::string_view text);

class ProcReader {
 public:
  explicit ProcReader(std::string proc_root);

  const std::string& root() const { return root_; }
  // The thread `tid` of process `pid` (tid == pid for the main thread), without its fds.
  std::optional<ThreadState> read_thread(int64_t pid, int64_t tid);
  // The open fds of process `pid`; sockets are resolved through `sockets`.
  void read_fds(int64_t pid, const SocketInodes& sockets, FdTable& out);
  // Pids (numeric entries of the proc root), and the tids of one process.
  std::vector<int64_t> list_pids() const;
  std::vector<int64_t> list_tids(int64_t pid) const;
  // The current cgroups of a thread (empty when it is gone).
  std::vector<engine::CgroupView> read_cgroups(int64_t pid);

 private:
  uint64_t boot_time_ns();
  std::string path(int64_t pid, std::string_view file) const;

  std::string root_;
  uint64_t boot_time_ns_ = 0;
  bool boot_time_read_ = false;
};

}  // namespace peregrine::agent
