#pragma once
// The containers the agent has seen, by full id, and the host pseudo-container. Each thread
// points at its container's view; views live as long as the registry (never erased while the
// agent runs: a container's last events may still be in flight when it stops).
// Not thread-safe: the thread that applies events to the state owns it.
//
// Pod metadata (cluster mode) arrives as whole snapshots through apply_metadata(): known
// containers are updated in place (every thread already points at them), later ones are
// filled when first seen. A container missing from a newer snapshot (its pod was deleted)
// keeps what it had: its last events still deserve their pod's name.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/state/cgroup_container_id.h"
#include "agent/state/container_metadata.h"
#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

struct ContainerInfo {
  engine::ContainerView view;
  engine::K8sView k8s;
  bool has_k8s = false;
};

class ContainerRegistry {
 public:
  ContainerRegistry();

  const ContainerInfo& host() const { return host_; }
  // The container these cgroups place a process in (the host when none).
  const ContainerInfo& for_cgroups(const std::vector<engine::CgroupView>& cgroups);
  size_t size() const { return containers_.size(); }
  // Takes a new snapshot of container metadata (may be null: nothing known).
  void apply_metadata(std::shared_ptr<const ContainerMetadataMap> metadata);

 private:
  void fill(ContainerInfo& info) const;

  std::shared_ptr<const ContainerMetadataMap> metadata_;
  ContainerInfo host_;
  std::unordered_map<std::string, std::unique_ptr<ContainerInfo>> containers_;
};

}  // namespace peregrine::agent
