#pragma once
// The agent's state as JSON, for capture files: every thread (program, ids, credentials,
// cgroups) with its process's fds, and the passwd/group text names were resolved from.
// Restoring it into an empty table gives replay the state the live agent started with.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/state/process_table.h"
#include "common/result.h"

namespace peregrine::agent {

struct UserFiles {
  std::string passwd;
  std::string group;
};

nlohmann::json snapshot_state(const ProcessTable& table, const UserFiles& users);
// One thread (and its fds), as a partial snapshot: {"threads": [...]}.
nlohmann::json snapshot_thread(const ProcessTable& table, const ThreadState& t);
// A cgroup id's meaning, as a partial snapshot: {"cgroups": [{"id", "paths"}]}.
nlohmann::json snapshot_cgroups(uint64_t id, const std::vector<engine::CgroupView>& cgroups);

struct LearnedCgroups {
  uint64_t id = 0;
  std::vector<engine::CgroupView> cgroups;
};
// Applies a full or partial snapshot: threads are inserted (replacing by tid), `users` is
// set when the snapshot has the files, cgroup meanings are appended to `cgroups`. Errors name
// the bad entry.
Status restore_state(const nlohmann::json& snapshot, ProcessTable& table, UserFiles& users,
                     std::vector<LearnedCgroups>& cgroups);

}  // namespace peregrine::agent
