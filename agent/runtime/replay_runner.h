#pragma once
// `peregrine replay --source syscall`: a capture written by `peregrine agent --record` run
// through the same builder and pipeline as live events, on one thread, so the same capture
// gives the same alerts every time. State comes from the capture's snapshots, never from
// this machine's /proc.

#include <string>
#include <vector>

namespace peregrine::agent {

struct ReplayOptions {
  std::vector<std::string> rules;
  std::string events;
  bool json = false;
  bool all_matches = false;
};

// The exit code; errors are one line on stderr.
int run_syscall_replay(const ReplayOptions& options);

}  // namespace peregrine::agent
