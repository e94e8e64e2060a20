#pragma once
// Records into a capture what the live builder learns outside the event stream (threads read
// from /proc, cgroup ids resolved through /proc), as partial snapshot blocks written before
// the record that needed them, so replay rebuilds the same state.

#include "agent/capture/capture_writer.h"
#include "agent/events/event_builder.h"

namespace peregrine::agent {

class StateRecorder final : public StateObserver {
 public:
  StateRecorder(CaptureWriter& writer, const ProcessTable& table) : writer_(writer), table_(table) {}
  void learned_thread(const ThreadState& t) override;
  void learned_cgroups(uint64_t cgroup_id, const std::vector<engine::CgroupView>& cgroups) override;

 private:
  CaptureWriter& writer_;
  const ProcessTable& table_;
};

}  // namespace peregrine::agent
