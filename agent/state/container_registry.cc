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
  fill(*info);
  const ContainerInfo& out = *info;
  containers_.emplace(ref->full_id, std::move(info));
  return out;
}

void ContainerRegistry::apply_metadata(std::shared_ptr<const ContainerMetadataMap> metadata) {
  metadata_ = std::move(metadata);
  if (!metadata_) return;
  for (auto& [id, info] : containers_) fill(*info);
}

void ContainerRegistry::fill(ContainerInfo& info) const {
  if (!metadata_) return;
  auto it = metadata_->find(info.view.full_id);
  if (it == metadata_->end()) return;
  const ContainerMetadata& m = it->second;
  if (!m.name.empty()) info.view.name = m.name;
  info.view.image = m.image;
  info.view.image_id = m.image_id;
  info.view.image_repository = m.image_repository;
  info.view.image_tag = m.image_tag;
  info.view.image_digest = m.image_digest;
  if (!m.ip.empty()) info.view.ip = m.ip;
  info.k8s = m.k8s;
  info.has_k8s = true;
}

}  // namespace peregrine::agent
