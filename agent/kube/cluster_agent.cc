#include "agent/kube/cluster_agent.h"

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

void ClusterAgent::start() {
  // The Lease goes up first with bundle "" so the operator sees the agent before any bundle.
  lease_.report({});
  lease_.start();
  pods_.start();
  bundles_.start();
}

}  // namespace peregrine::agent::cluster
