#pragma once
// admission.k8s.io/v1 AdmissionReview: the request kube-apiserver POSTs to a validating webhook
// and the response it expects back. Only v1 is spoken (the webhook configuration asks for
// admissionReviewVersions [v1]). Pure functions; they never throw.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace peregrine::op::admission {

struct AdmissionRequest {
  std::string uid;        // echoed in the response
  std::string group;      // request.resource: what is admitted, e.g. peregrine.dev
  std::string version;    //   v1alpha1
  std::string resource;   //   falcorules
  std::string kind;       // request.kind.kind, e.g. FalcoRule
  std::string operation;  // CREATE, UPDATE, DELETE or CONNECT
  std::string ns;         // request.namespace ("" for cluster-scoped objects)
  std::string name;       // request.name ("" on CREATE with generateName)
  std::string user;       // request.userInfo.username, for logs
  bool dry_run = false;
  nlohmann::json object;      // the new object; null on DELETE
  nlohmann::json old_object;  // the previous object on UPDATE and DELETE; null otherwise
};

// The validator's answer. A refusal carries an HTTP-style code and a reason for the API
// client (kubectl prints the message); warnings reach the client either way.
struct Verdict {
  bool allowed = true;
  int code = 200;
  std::string reason;   // metav1.StatusReason, e.g. "Invalid"
  std::string message;
  std::vector<std::string> warnings;

  static Verdict allow(std::vector<std::string> warnings = {});
  static Verdict deny(std::string message, std::vector<std::string> warnings = {},
                      int code = 422, std::string reason = "Invalid");
};

// Decides one request. May be called from several server threads at once.
using Validator = std::function<Verdict(const AdmissionRequest&)>;

// Parses a review body. Errors (not JSON, another apiVersion or kind, no request, no uid, a
// field of the wrong type) say what is wrong in one line; the server answers them with 400.
Result<AdmissionRequest> parse_admission_review(std::string_view body);

// The AdmissionReview answering request `uid` with `verdict`. status is set only on refusals
// (the API server ignores it otherwise); at most kMaxWarnings warnings, each at most
// kMaxWarningBytes, are sent (the API server would truncate them anyway).
nlohmann::json admission_response(const std::string& uid, const Verdict& verdict);

inline constexpr size_t kMaxWarnings = 50;
inline constexpr size_t kMaxWarningBytes = 512;

}  // namespace peregrine::op::admission
