#include "operator/webhook_certificate.h"

#include "kube/config.h"
#include "operator/codec.h"

namespace peregrine::op {
namespace {

const kube::ResourceRef kSecrets{"", "v1", "secrets", true};

std::optional<admission::ServingCertificate> from_secret(const nlohmann::json& secret) {
  const auto& data = secret.value("data", nlohmann::json::object());
  auto field = [&](const char* key) -> std::optional<std::string> {
    if (!data.contains(key) || !data[key].is_string()) return std::nullopt;
    return kube::base64_decode(data[key].get<std::string>());
  };
  auto cert = field("tls.crt"), key = field("tls.key"), ca = field("ca.crt");
  if (!cert || !key || !ca || cert->empty() || key->empty() || ca->empty()) return std::nullopt;
  return admission::ServingCertificate{*cert, *key, *ca};
}

}  // namespace

Result<admission::ServingCertificate> shared_serving_certificate(kube::Client& client, const std::string& ns,
                                                                 const std::vector<std::string>& dns_names,
                                                                 const std::vector<std::string>& ip_addresses) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto existing = client.get(kSecrets, ns, kWebhookCertSecret);
    if (existing.ok()) {
      if (auto cert = from_secret(*existing)) return *cert;
      return make_error("Secret " + ns + "/" + kWebhookCertSecret +
                        " lacks tls.crt, tls.key or ca.crt; delete it to have a new certificate generated");
    }
    if (!existing.error().is_not_found()) return make_error("reading the webhook certificate Secret: " + existing.error().describe());
    auto generated = admission::generate_serving_certificate(dns_names, ip_addresses);
    if (!generated.ok()) return generated.error();
    nlohmann::json secret = {
        {"apiVersion", "v1"},
        {"kind", "Secret"},
        {"metadata",
         {{"name", kWebhookCertSecret},
          {"namespace", ns},
          {"labels", {{"app.kubernetes.io/part-of", "peregrine"}, {"app.kubernetes.io/component", "operator"}}}}},
        {"type", "kubernetes.io/tls"},
        {"data",
         {{"tls.crt", base64_encode(generated->cert_pem)},
          {"tls.key", base64_encode(generated->key_pem)},
          {"ca.crt", base64_encode(generated->ca_pem)}}}};
    auto created = client.create(kSecrets, ns, secret);
    if (created.ok()) return *generated;
    // Another replica created it first: use theirs.
    if (!created.error().is_already_exists()) return make_error("storing the webhook certificate: " + created.error().describe());
  }
  return make_error("the webhook certificate Secret kept changing; giving up");
}

}  // namespace peregrine::op
