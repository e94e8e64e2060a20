#include "agent/capture/state_recorder.h"

#include "agent/state/state_snapshot.h"

namespace peregrine::agent {

void StateRecorder::learned_thread(const ThreadState& t) {
  (void)writer_.write_snapshot(snapshot_thread(table_, t).dump());
}

void StateRecorder::learned_cgroups(uint64_t cgroup_id, const std::vector<engine::CgroupView>& cgroups) {
  (void)writer_.write_snapshot(snapshot_cgroups(cgroup_id, cgroups).dump());
}

}  // namespace peregrine::agent
