#include "agent/kube/cluster_agent.h"

#include "agent/runtime/metrics.h"

#include "kube/config.h"

namespace peregrine::agent::cluster {

Result<std::shared_ptr<kube::Client>> cluster_client(const ClusterOptions& options) {
  kube::ApiResult<kube::ClientConfig> config =
      options.kubeconfig.empty() ? kube::in_cluster_config(kube::process_environment())
                                 : kube::load_kubeconfig(options.kubeconfig);
  if (!config) {
    std::string what = options.kubeconfig.empty() ? "in-cluster config" : "--kubeconfig " + options.kubeconfig;
    return make_error(what + ": " + config.error().describe());
  }
  return std::make_shared<kube::Client>(std::move(*config));
}

ClusterAgent::ClusterAgent(std::shared_ptr<kube::Client> client, ClusterOptions options, BundleWatch::Apply apply,
                           BundleWatch::Log log)
    : lease_(client, options.ns, options.node, log),
      pods_(client, options.node, feed_),
      bundles_(client, BundleWatchOptions{options.ns, options.node, options.store_root}, std::move(apply), lease_,
               log) {}

ClusterAgent::~ClusterAgent() = default;


std::string ClusterAgent::metrics_text() const {
  AgentStatus status = lease_.status();
  std::string out;
  out += "# HELP peregrine_agent_bundle_info The rule bundle in force (\"\" before the first); error=1 while the "
         "last assigned bundle is refused or not yet fetched.\n# TYPE peregrine_agent_bundle_info gauge\n";
  out += "peregrine_agent_bundle_info{bundle=\"" + prometheus_label(status.bundle) + "\",error=\"" +
         (status.error.empty() ? "0" : "1") + "\"} 1\n";
  out += "# HELP peregrine_agent_bundle_loads_total Bundles brought into force.\n"
         "# TYPE peregrine_agent_bundle_loads_total counter\n";
  out += "peregrine_agent_bundle_loads_total " + std::to_string(bundles_.loads()) + "\n";
  out += "# HELP peregrine_agent_bundle_failures_total Failed attempts at a bundle, retries included.\n"
         "# TYPE peregrine_agent_bundle_failures_total counter\n";
  out += "peregrine_agent_bundle_failures_total " + std::to_string(bundles_.failures()) + "\n";
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
