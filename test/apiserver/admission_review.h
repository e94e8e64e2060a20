#pragma once
// The admission.k8s.io/v1 AdmissionReview exchanged with a validating webhook, and the API
// errors the real server makes of its outcome. Pure functions, no I/O.
//
// Outcomes, as kube-apiserver 1.27-1.33 words them:
//   denied (allowed: false)  -> the response's status with code = status.code if >= 400 else 400,
//                               reason as given (may be empty), message
//                               `admission webhook "<name>" denied the request: <status.message>`
//                               (or `: <status.reason>`, or ` without explanation`)
//   call failed, policy Fail -> 500 InternalError, message
//                               `Internal error occurred: failed calling webhook "<name>": <why>`
//   dry run on a webhook with side effects -> 400 BadRequest
//                               `admission webhook "<name>" does not support dry run`

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "test/apiserver/admission_match.h"
#include "test/apiserver/api_status.h"

namespace peregrine::apiserver {

struct ReviewRequest {
  std::string uid, operation, name, ns;
  ResourceRef resource;  // as the webhook is called for (an equivalent version, perhaps)
  ResourceRef request;   // as the client addressed it
  nlohmann::json user_info = nlohmann::json::object();
  nlohmann::json object = nullptr, old_object = nullptr, options = nullptr;
  bool dry_run = false;
};

struct ReviewVerdict {
  bool allowed = false;
  nlohmann::json status = nullptr;  // response.status (a metav1.Status), null when absent
  std::vector<std::string> warnings;
};

nlohmann::json make_admission_review(const ReviewRequest& request);

// The webhook's answer checked as the real server checks it (kind, apiVersion, uid); on a bad
// answer, the reason text (`expected response.uid="...", got "..."`).
std::variant<ReviewVerdict, std::string> read_admission_review(const std::string& body, const std::string& uid);

ApiFailure webhook_denial(const std::string& webhook, const nlohmann::json& status);
ApiFailure webhook_call_failure(const std::string& webhook, const std::string& why);
ApiFailure webhook_dry_run_unsupported(const std::string& webhook);

}  // namespace peregrine::apiserver
