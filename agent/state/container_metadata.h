#pragma once
// Metadata about containers that the container runtime's cgroup path cannot tell: the pod a
// container belongs to, its name and image. In cluster mode the agent's pod watch
// (agent/kube/pod_metadata.h) fills it from the API server; the event thread hands each
// published snapshot to ContainerRegistry::apply_metadata between two events.
//
// ContainerMetadataFeed is the hand-over point: a writer publishes immutable snapshots, the
// event thread checks the generation (one relaxed atomic load) and takes the snapshot only
// when it moved. Thread-safe.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

struct ContainerMetadata {
  std::string name;  // the container's name in its pod spec
  std::string image;
  std::string image_id;
  std::string image_repository;
  std::string image_tag;
  std::string image_digest;
  std::string ip;
  engine::K8sView k8s;
};

// Full 64-hex container id -> metadata.
using ContainerMetadataMap = std::unordered_map<std::string, ContainerMetadata>;

class ContainerMetadataFeed {
 public:
  void publish(std::shared_ptr<const ContainerMetadataMap> snapshot) {
    std::lock_guard lock(mu_);
    snapshot_ = std::move(snapshot);
    generation_.fetch_add(1, std::memory_order_release);
  }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  std::shared_ptr<const ContainerMetadataMap> current() const {
    std::lock_guard lock(mu_);
    return snapshot_;
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ContainerMetadataMap> snapshot_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace peregrine::agent
