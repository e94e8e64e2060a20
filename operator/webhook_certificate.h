#pragma once
// The admission webhook's serving certificate when none is given as files: generated once and
// kept in a Secret of the operator namespace, so every operator replica behind the webhook
// Service serves the same certificate and the caBundle in the webhook configuration verifies
// whichever replica the API server reaches. (Each replica generating its own would overwrite
// the caBundle and fail every other replica's calls.) The first replica to create the Secret
// wins; the others read what it wrote.

#include <string>
#include <vector>

#include "common/result.h"
#include "kube/client.h"
#include "operator/admission/serving_cert.h"

namespace peregrine::op {

inline constexpr const char* kWebhookCertSecret = "peregrine-webhook-cert";

Result<admission::ServingCertificate> shared_serving_certificate(kube::Client& client, const std::string& ns,
                                                                 const std::vector<std::string>& dns_names,
                                                                 const std::vector<std::string>& ip_addresses);

}  // namespace peregrine::op
