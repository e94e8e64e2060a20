#include "agent/kube/cluster_agent.h"

#include "agent/runtime/metrics.h"

#include "kube/bundle/api_client.h"

namespace peregrine::agent::cluster {

Result<std::shared_ptr<kube::Client>> cluster_client(const ClusterOptions& options) {
  return kube::bundle::api_client(options.kubeconfig);
}

ClusterAgent::ClusterAgent(std::shared_ptr<kube::Client> client, ClusterOptions options,
                           kube::bundle::BundleWatch::Apply apply, kube::bundle::BundleWatch::Log log)
    : lease_(client, options.ns, options.node, log),
      pods_(client, options.node, feed_),
      bundles_(client,
               kube::bundle::BundleWatchOptions{options.ns, kube::bundle::BundleWatch::kAssignments, options.node,
                                                options.store_root},
               std::move(apply),
               [this](const kube::bundle::BundleStatus& s) { lease_.report({s.bundle, s.error}); }, log) {}

ClusterAgent::~ClusterAgent() = default;


std::string ClusterAgent::metrics_text() const {
  std::string out = bundles_.metrics_text("peregrine_agent");
  out += "# HELP peregrine_agent_pod_containers Containers of this node's pods with known metadata.\n"
         "# TYPE peregrine_agent_pod_containers gauge\n";
  out += "peregrine_agent_pod_containers " + std::to_string(pods_.containers()) + "\n";
  return out;
}

void ClusterAgent::start() {
  // The Lease goes up first with bundle "" so the operator sees the agent before any bundle.
  lease_.report({});
  lease_.start();
  pods_.start();
  bundles_.start();
}

}  // namespace peregrine::agent::cluster
