#pragma once
// Cluster mode of the agent (`peregrine agent --node-name NAME`): the API client, the pod
// watch that names this node's containers, the bundle watch that brings the assigned rule
// bundle into force, and the Lease that tells the operator which bundle runs.
// See agent/kube/README.md for the design and the cluster contract.
//
// Thread-safety: each part runs on its own thread; the event thread only reads
// container_metadata() (a ContainerMetadataFeed), and metrics_text() may be called from any
// thread. Construct, start() and destroy from one thread; destruction stops every thread (the
// Lease is left to expire).

#include <functional>
#include <memory>
#include <string>

#include "agent/kube/agent_lease.h"
#include "agent/kube/pod_watch.h"
#include "agent/state/container_metadata.h"
#include "common/result.h"
#include "kube/bundle/bundle_watch.h"
#include "kube/client.h"

namespace peregrine::agent::cluster {

struct ClusterOptions {
  std::string node;
  std::string kubeconfig;  // empty: in-cluster config (KUBERNETES_SERVICE_HOST)
  std::string ns = "peregrine-system";
  std::string store_root = "/var/lib/peregrine/bundles";
};

// The API client for `options` (kube/bundle/api_client.h).
Result<std::shared_ptr<kube::Client>> cluster_client(const ClusterOptions& options);

class ClusterAgent {
 public:
  ClusterAgent(std::shared_ptr<kube::Client> client, ClusterOptions options, kube::bundle::BundleWatch::Apply apply,
               kube::bundle::BundleWatch::Log log);
  ~ClusterAgent();
  ClusterAgent(const ClusterAgent&) = delete;
  ClusterAgent& operator=(const ClusterAgent&) = delete;

  void start();
  const ContainerMetadataFeed& container_metadata() const { return feed_; }
  // Prometheus text: the bundle in force, bundle loads and failures, pod containers known.
  std::string metrics_text() const;

 private:
  ContainerMetadataFeed feed_;
  // Destroyed in reverse: the bundle watch (which reports to the lease) before the lease.
  AgentLease lease_;
  PodWatch pods_;
  kube::bundle::BundleWatch bundles_;
};

}  // namespace peregrine::agent::cluster
