#pragma once
// A realistic stream of syscall events for the engine benchmark: a node running a web server,
// a database client, shells and package tools on the host and in containers. Opens dominate
// (as on real nodes), then closes, execs, connects, accepts and the rarer calls the stable
// rules look at (dup2, symlink, ptrace, memfd_create, ...). Values are what a real agent would
// fill in: full paths, ancestries, socket tuples, flags text.
//
// The scene owns every view the events point to; keep it alive while the events are used.

#include <deque>
#include <memory>
#include <vector>

#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::bench {

class EventMix {
 public:
  // `count` events, generated deterministically (same seed, same stream).
  explicit EventMix(size_t count, uint32_t seed = 42);
  ~EventMix();
  const std::vector<engine::SyscallEvent>& events() const { return events_; }

 private:
  struct Process {
    engine::ThreadView thread;
    const engine::ContainerView* container = nullptr;
    const engine::UserView* user = nullptr;
  };
  Process& process(const char* comm, const char* exepath, std::vector<std::string> args,
                   Process* parent, bool in_container, uint32_t uid);
  const engine::FdView& file_fd(const std::string& path, int64_t num);
  const engine::FdView& socket_fd(const char* cip, uint16_t cport, const char* sip, uint16_t sport,
                                  bool server, int64_t num);
  void add(uint16_t type, Process& p, const engine::FdView* fd, int64_t res,
           std::vector<engine::SyscallArg> args);

  std::deque<Process> processes_;
  std::deque<engine::FdView> fds_;
  std::deque<std::vector<engine::SyscallArg>> args_;
  engine::ContainerView host_, container_;
  engine::K8sView pod_;
  engine::UserView root_, www_;
  engine::GroupView root_group_;
  std::vector<engine::SyscallEvent> events_;
};

}  // namespace peregrine::bench
