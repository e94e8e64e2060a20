#include "agent/state/container_registry.h"

namespace peregrine::agent {

ContainerRegistry::ContainerRegistry() {
  host_.view.id = "host";
  host_.view.name = "host";
  host_.view.type = "host";
}

const ContainerInfo& ContainerRegistry::for_cgroups(const std::vector<engine::CgroupView>& cgroups) {
  std::optional<ContainerRef> ref = container_from_cgroups(cgroups);
  if (!ref) return host_;
  auto it = containers_.find(ref->full_id);
  if (it != containers_.end()) return *it->second;
  auto info = std::make_unique<ContainerInfo>();
  info->view.full_id = ref->full_id;
  info->view.id = ref->full_id.substr(0, 12);
  info->view.type = ref->type;
  // Without a runtime to ask, the short id is the best name there is.
  info->view.name = info->view.id;
  if (!ref->pod_uid.empty()) {
    info->k8s.pod_uid = ref->pod_uid;
    info->has_k8s = true;
  }
  const ContainerInfo& out = *info;
  containers_.emplace(ref->full_id, std::move(info));
  return out;
}

}  // namespace peregrine::agent
