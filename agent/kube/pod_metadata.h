#pragma once
// Pod objects -> container metadata. A pod's status lists each running container
// (containerStatuses, initContainerStatuses, ephemeralContainerStatuses) with the runtime's id
// ("containerd://<64 hex>", "docker://...", "cri-o://..."), its name and its image; the id is
// what the agent also reads from a process's cgroup path, so it joins the two.
// Containers without an id yet (still being created) or with one that is not 64 hex digits
// are skipped. Pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/state/container_metadata.h"

namespace peregrine::agent::cluster {

struct RuntimeContainerId {
  std::string runtime;  // "containerd", "docker", "cri-o", ... (the URI scheme)
  std::string id;       // 64 lower-case hex digits
};

// "containerd://<64 hex>" -> {containerd, <hex>}; nullopt when it is not that shape.
std::optional<RuntimeContainerId> parse_container_id(std::string_view text);

struct PodContainer {
  RuntimeContainerId id;
  ContainerMetadata metadata;
};

// Every container of `pod` that has an id, with its pod's name, namespace, uid, IP and labels.
std::vector<PodContainer> containers_of_pod(const nlohmann::json& pod);

}  // namespace peregrine::agent::cluster
