#pragma once
// Turns one driver record into the engine's SyscallEvent, applying what the call did to the
// agent's state (process table, fd tables, credentials, cwd, container).
//
// Protocol, per record: build() applies the call and returns the event, whose views point
// into the state; the caller evaluates rules on it; then finish() applies what must wait until
// the rules have read it (a closed fd, an exited thread disappear only then). The event is
// valid until finish() or the next build().
//
// Not thread-safe: one builder owns the state it updates.

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/events/arg_formatter.h"
#include "agent/state/proc_reader.h"
#include "agent/state/process_table.h"
#include "agent/state/user_db.h"
#include "driver/reader/event_view.h"
#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

struct BuiltEvent {
  engine::SyscallEvent event;
  // Metadata the rules may read was missing (thread or fd not known to the agent, the call's
  // entry not seen): an alert on this event says so.
  bool incomplete = false;
};

struct BuilderCounters {
  uint64_t events = 0;
  uint64_t threads_from_proc = 0;   // unknown threads read from /proc on first sight
  uint64_t threads_incomplete = 0;  // unknown threads /proc no longer had
};

// Told when the builder learns state from outside the event stream (/proc), so a recorder
// can store it and a replay rebuild the same state without /proc.
class StateObserver {
 public:
  virtual ~StateObserver() = default;
  virtual void learned_thread(const ThreadState& t) = 0;
  virtual void learned_cgroups(uint64_t cgroup_id, const std::vector<engine::CgroupView>& cgroups) = 0;
};

class EventBuilder {
 public:
  // `realtime_offset_ns` turns the driver's CLOCK_BOOTTIME stamps into wall-clock time.
  // `proc` may be null (replay: /proc of this machine says nothing about a capture).
  EventBuilder(ProcessTable& table, UserDb& users, ProcReader* proc, int64_t realtime_offset_ns);

  const BuiltEvent& build(const driver::RawEventView& raw);
  void finish();

  const BuilderCounters& counters() const { return counters_; }
  void set_observer(StateObserver* observer) { observer_ = observer; }
  // What a cgroup id means, learned elsewhere (a capture's records of /proc reads).
  void learn_cgroups(uint64_t cgroup_id, std::vector<engine::CgroupView> cgroups);

 private:
  ThreadState& thread_for(const driver::RawEventView& raw);
  ThreadState& on_clone_event(const driver::RawEventView& raw);
  void on_exec_event(const driver::RawEventView& raw, ThreadState& t);
  void on_creds_event(const driver::RawEventView& raw, ThreadState& t);
  // fd-table effects (fd_events.cc); returns the fd the event is about, or null.
  const engine::FdView* apply_fd_effects(const driver::RawEventView& raw, ThreadState& t, bool& unknown_fd);
  void refresh_cgroups(ThreadState& t, uint64_t cgroup_id);
  std::string_view dir_of_fd(ThreadState& t, int64_t dirfd);
  void remember_exit(int64_t tid);
  bool exited_recently(int64_t tid) const;

  ProcessTable& table_;
  UserDb& users_;
  ProcReader* proc_;
  int64_t realtime_offset_ns_;
  ArgFormatter formatter_;
  BuiltEvent built_;
  engine::FdView scratch_fd_;  // the fd of a failed open, or of a call on an untracked fd
  std::unordered_map<uint64_t, std::vector<engine::CgroupView>> cgroups_by_id_;
  // Deferred by finish().
  int64_t close_tid_ = -1, close_fd_ = -1;
  int64_t exit_tid_ = -1;
  // Threads that exited lately: a parent's clone record arriving after its child's exit must
  // not bring the child back.
  std::array<int64_t, 256> recent_exits_{};
  size_t recent_exit_next_ = 0;
  uint64_t seq_ = 0;
  // The latest event time built: an untimed record (PEREGRINE_EVF_UNTIMED) carries an earlier
  // one and takes this instead.
  uint64_t last_ts_ns_ = 0;
  BuilderCounters counters_;
  StateObserver* observer_ = nullptr;
};

}  // namespace peregrine::agent
