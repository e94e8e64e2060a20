#pragma once
// The operator's validating admission webhook, put together: the serving certificate (files,
// or the shared generated one), the HTTPS server with the set-aware FalcoRule check and the
// FalcoOutput check, and the ValidatingWebhookConfiguration that points the API server at it.
// The configuration is written after the server listens, so the API server never calls a
// webhook that is not there yet.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "engine/engine.h"
#include "kube/client.h"
#include "operator/admission/webhook_server.h"

namespace peregrine::op {

struct AdmissionWebhookOptions {
  std::string ns = "peregrine-system";  // the operator namespace
  std::string host = "0.0.0.0";
  int port = 9443;
  // Base URL the API server calls (clientConfig.url), e.g. https://127.0.0.1:9443. Empty: the
  // Service peregrine-webhook in `ns` (clientConfig.service), as config/manager deploys it.
  std::string url;
  std::string cert_file, key_file, ca_file;  // empty: shared generated certificate
  std::string failure_policy = "Fail";
};

class AdmissionWebhook {
 public:
  static Result<std::unique_ptr<AdmissionWebhook>> start(std::shared_ptr<kube::Client> client,
                                                         const AdmissionWebhookOptions& options,
                                                         std::function<std::vector<nlohmann::json>()> current_rules);
  ~AdmissionWebhook();
  int port() const { return server_->port(); }

 private:
  AdmissionWebhook() = default;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<admission::WebhookServer> server_;
};

}  // namespace peregrine::op
