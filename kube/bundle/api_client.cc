#include "kube/bundle/api_client.h"

#include "kube/config.h"

namespace peregrine::kube::bundle {

Result<std::shared_ptr<kube::Client>> api_client(const std::string& kubeconfig) {
  kube::ApiResult<kube::ClientConfig> config =
      kubeconfig.empty() ? kube::in_cluster_config(kube::process_environment()) : kube::load_kubeconfig(kubeconfig);
  if (!config) {
    std::string what = kubeconfig.empty() ? "in-cluster config" : "--kubeconfig " + kubeconfig;
    return make_error(what + ": " + config.error().describe());
  }
  return std::make_shared<kube::Client>(std::move(*config));
}

}  // namespace peregrine::kube::bundle
