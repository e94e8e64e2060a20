#pragma once
// The pods scheduled on this node (an Informer with fieldSelector spec.nodeName=<node>),
// turned into container metadata snapshots published to a ContainerMetadataFeed. Every pod
// change rebuilds the snapshot (a node runs at most a few hundred containers) on the
// informer's thread; the event thread picks it up between events, so it never waits here.
// A deleted pod's containers leave the snapshot; the registry keeps what it already applied.
// Thread-safety: construct, start() and destroy from one thread; the feed and containers()
// may be read from any thread.

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent/kube/pod_metadata.h"
#include "agent/state/container_metadata.h"
#include "kube/client.h"
#include "kube/informer.h"

namespace peregrine::agent::cluster {

class PodWatch {
 public:
  PodWatch(std::shared_ptr<kube::Client> client, const std::string& node_name, ContainerMetadataFeed& feed);
  ~PodWatch();  // stops the informer
  PodWatch(const PodWatch&) = delete;
  PodWatch& operator=(const PodWatch&) = delete;

  void start();
  // Containers of this node's pods in the last snapshot.
  size_t containers() const { return containers_.load(); }

 private:
  void put(const nlohmann::json& pod);
  void erase(const nlohmann::json& pod);
  void publish();

  ContainerMetadataFeed& feed_;
  // Touched only by the informer's thread (its handlers run there, one at a time).
  std::map<std::string, std::vector<PodContainer>> by_pod_;  // "ns/name" -> containers
  std::atomic<size_t> containers_{0};
  std::unique_ptr<kube::Informer> informer_;
};

}  // namespace peregrine::agent::cluster
