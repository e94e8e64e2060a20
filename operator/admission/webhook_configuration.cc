#include "operator/admission/webhook_configuration.h"

#include <openssl/evp.h>

#include "operator/admission/webhook_server.h"

namespace peregrine::op::admission {
namespace {

std::string base64(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

nlohmann::json webhook(const WebhookConfigurationOptions& o, const std::string& name,
                       const std::string& resource, const std::string& path) {
  nlohmann::json client_config;
  if (!o.url.empty()) {
    std::string base = o.url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    client_config["url"] = base + path;
  } else {
    client_config["service"] = {{"namespace", o.service_namespace},
                                {"name", o.service_name},
                                {"port", o.service_port},
                                {"path", path}};
  }
  if (!o.ca_bundle_pem.empty()) client_config["caBundle"] = base64(o.ca_bundle_pem);
  return {{"name", name},
          {"clientConfig", client_config},
          {"rules", nlohmann::json::array({{{"apiGroups", {"peregrine.dev"}},
                                            {"apiVersions", {"v1alpha1"}},
                                            {"operations", {"CREATE", "UPDATE"}},
                                            {"resources", {resource}},
                                            {"scope", "Namespaced"}}})},
          {"failurePolicy", o.failure_policy},
          {"matchPolicy", "Equivalent"},
          {"sideEffects", "None"},
          {"admissionReviewVersions", {"v1"}},
          {"timeoutSeconds", o.timeout_seconds}};
}

}  // namespace

nlohmann::json validating_webhook_configuration(const WebhookConfigurationOptions& o) {
  return {{"apiVersion", "admissionregistration.k8s.io/v1"},
          {"kind", "ValidatingWebhookConfiguration"},
          {"metadata",
           {{"name", o.name},
            {"labels", {{"app.kubernetes.io/part-of", "peregrine"}, {"app.kubernetes.io/component", "operator"}}}}},
          {"webhooks", nlohmann::json::array({webhook(o, "falcorules.validate.peregrine.dev", "falcorules", kFalcoRulePath),
                                              webhook(o, "falcooutputs.validate.peregrine.dev", "falcooutputs",
                                                      kFalcoOutputPath)})}};
}

kube::ApiStatus apply_validating_webhook_configuration(kube::Client& client, const WebhookConfigurationOptions& o) {
  const nlohmann::json desired = validating_webhook_configuration(o);
  kube::ApiError last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto current = client.get(kValidatingWebhookConfigurations, "", o.name);
    if (!current.ok() && current.error().is_not_found()) {
      auto created = client.create(kValidatingWebhookConfigurations, "", desired);
      if (created.ok()) return {};
      last = created.error();
      if (created.error().is_already_exists()) continue;
      return last;
    }
    if (!current.ok()) return current.error();
    nlohmann::json updated = *current;
    updated["webhooks"] = desired["webhooks"];
    for (const auto& [k, v] : desired["metadata"]["labels"].items()) updated["metadata"]["labels"][k] = v;
    if (updated == *current) return {};
    auto written = client.update(kValidatingWebhookConfigurations, "", updated);
    if (written.ok()) return {};
    last = written.error();
    if (!written.error().is_conflict()) return last;
  }
  return last;
}

}  // namespace peregrine::op::admission
