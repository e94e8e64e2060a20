#include "operator/admission_webhook.h"

#include <arpa/inet.h>

#include "operator/admission/validators.h"
#include "operator/admission/webhook_configuration.h"
#include "operator/rule_admission.h"
#include "operator/webhook_certificate.h"

namespace peregrine::op {
namespace {

// The host part of an https URL when it is an IP address literal (the certificate needs it
// as an IP SAN).
std::string url_ip(const std::string& url) {
  auto start = url.find("://");
  std::string rest = start == std::string::npos ? url : url.substr(start + 3);
  std::string host;
  if (!rest.empty() && rest[0] == '[') {
    host = rest.substr(1, rest.find(']') - 1);
  } else {
    host = rest.substr(0, rest.find_first_of(":/"));
  }
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1) return host;
  return "";
}

std::string url_dns(const std::string& url) {
  auto start = url.find("://");
  std::string rest = start == std::string::npos ? url : url.substr(start + 3);
  if (rest.empty() || rest[0] == '[') return "";
  std::string host = rest.substr(0, rest.find_first_of(":/"));
  return url_ip(url).empty() ? host : "";
}

}  // namespace

Result<std::unique_ptr<AdmissionWebhook>> AdmissionWebhook::start(
    std::shared_ptr<kube::Client> client, const AdmissionWebhookOptions& options,
    std::function<std::vector<nlohmann::json>()> current_rules) {
  if (options.failure_policy != "Fail" && options.failure_policy != "Ignore")
    return make_error("--webhook-failure-policy must be Fail or Ignore, not '" + options.failure_policy + "'");
  if (options.cert_file.empty() != options.key_file.empty())
    return make_error("--webhook-cert and --webhook-key go together");

  const std::string service = "peregrine-webhook";
  Result<admission::ServingCertificate> cert = make_error("unset");
  if (!options.cert_file.empty()) {
    cert = admission::load_serving_certificate(options.cert_file, options.key_file, options.ca_file);
  } else {
    auto names = admission::service_dns_names(service, options.ns);
    names.push_back("localhost");
    std::vector<std::string> ips = {"127.0.0.1", "::1"};
    if (auto ip = url_ip(options.url); !ip.empty()) ips.push_back(ip);
    if (auto dns = url_dns(options.url); !dns.empty()) names.push_back(dns);
    cert = shared_serving_certificate(*client, options.ns, names, ips);
  }
  if (!cert.ok()) return make_error("admission webhook certificate: " + cert.error().message);

  std::unique_ptr<AdmissionWebhook> hook(new AdmissionWebhook());
  hook->engine_ = std::make_unique<engine::Engine>(engine::system_hostname());
  admission::WebhookServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.certificate = *cert;
  auto server = admission::WebhookServer::create(
      server_options,
      {{admission::kFalcoRulePath, falco_rule_set_validator(*hook->engine_, options.ns, std::move(current_rules))},
       {admission::kFalcoOutputPath, admission::falco_output_validator()}});
  if (!server.ok()) return make_error("admission webhook: " + server.error().message);
  hook->server_ = std::move(*server);
  if (Status s = hook->server_->start(); !s) return make_error("admission webhook: " + s.error().message);

  admission::WebhookConfigurationOptions config;
  config.url = options.url;
  config.service_namespace = options.ns;
  config.service_name = service;
  config.ca_bundle_pem = cert->ca_pem;
  config.failure_policy = options.failure_policy;
  if (auto s = admission::apply_validating_webhook_configuration(*client, config); !s.ok())
    return make_error("writing the ValidatingWebhookConfiguration: " + s.error().describe());
  return hook;
}

AdmissionWebhook::~AdmissionWebhook() {
  if (server_) server_->stop();
}

}  // namespace peregrine::op
