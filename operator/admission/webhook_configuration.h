#pragma once
// The ValidatingWebhookConfiguration that points kube-apiserver at the operator's webhook:
// one webhook per resource (falcorules, falcooutputs of peregrine.dev/v1alpha1, CREATE and
// UPDATE), sideEffects None, admissionReviewVersions [v1].

#include <string>

#include <nlohmann/json.hpp>

#include "kube/api_result.h"
#include "kube/client.h"

namespace peregrine::op::admission {

inline constexpr const char* kWebhookConfigurationName = "peregrine-validating-webhook";

struct WebhookConfigurationOptions {
  std::string name = kWebhookConfigurationName;
  // Set: clientConfig.url = url + path (tests, or a webhook outside the cluster).
  // Empty: clientConfig.service = {namespace, name, port, path}.
  std::string url;
  std::string service_namespace = "peregrine-system";
  std::string service_name = "peregrine-webhook";
  int service_port = 443;
  std::string ca_bundle_pem;  // PEM; sent base64-encoded as caBundle
  std::string failure_policy = "Fail";  // or Ignore
  int timeout_seconds = 5;
};

// The object (admissionregistration.k8s.io/v1), without resourceVersion.
nlohmann::json validating_webhook_configuration(const WebhookConfigurationOptions& options);

// Creates the object, or replaces the spec-like fields (webhooks, labels) of the one there,
// keeping other metadata. Retries once on a conflict or a racing create.
kube::ApiStatus apply_validating_webhook_configuration(kube::Client& client,
                                                       const WebhookConfigurationOptions& options);

inline const kube::ResourceRef kValidatingWebhookConfigurations{
    "admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", false};

}  // namespace peregrine::op::admission
