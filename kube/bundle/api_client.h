#pragma once
// The API client a cluster component (the agent, the audit webhook) talks to the operator's
// objects with: the kubeconfig when one is named, else the pod's service account
// (KUBERNETES_SERVICE_HOST and the mounted token). Errors say which was tried and what is
// missing.

#include <memory>
#include <string>

#include "common/result.h"
#include "kube/client.h"

namespace peregrine::kube::bundle {

Result<std::shared_ptr<kube::Client>> api_client(const std::string& kubeconfig);

}  // namespace peregrine::kube::bundle
