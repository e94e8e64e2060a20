#pragma once
// An owned copy of one SyscallEvent and of everything its views reach (arguments, buffer,
// the thread and its ancestors, user, group, fd, container, pod), so that rules can evaluate
// it on a worker thread while the capture thread moves the state on. The copy is what makes
// parallel evaluation safe: a SyscallEvent's views are valid only until the builder's
// finish() (agent/events/event_builder.h).
//
// Not copyable or movable (the event points into the snapshot): hold it by unique_ptr.
// Immutable after construction, so any one thread may read it.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

class EventSnapshot {
 public:
  explicit EventSnapshot(const engine::SyscallEvent& event);
  EventSnapshot(const EventSnapshot&) = delete;
  EventSnapshot& operator=(const EventSnapshot&) = delete;

  const engine::SyscallEvent& event() const { return event_; }

 private:
  // Backing storage; deques keep element addresses stable as they grow.
  std::deque<std::string> texts_;  // argument names and texts
  std::vector<engine::SyscallArg> args_;
  std::vector<uint8_t> buffer_;
  std::deque<engine::ThreadView> threads_;  // the thread, then its ancestors, relinked
  std::optional<engine::UserView> user_;
  std::optional<engine::GroupView> group_;
  std::optional<engine::FdView> fd_;
  std::optional<engine::ContainerView> container_;
  std::optional<engine::K8sView> k8s_;
  engine::SyscallEvent event_;
};

}  // namespace peregrine::agent
