#pragma once
// Validating admission: before the store writes an object, every ValidatingWebhookConfiguration
// webhook whose rules and selectors match the request is called over HTTPS, as kube-apiserver
// does (see admission_review.h for the exact errors).
//
// Differences from the real server, on purpose:
// - webhooks are called one after another (configurations by name, webhooks in order) rather
//   than in parallel; the first refusal wins;
// - only admission.k8s.io/v1 reviews are sent (a webhook without "v1" in
//   admissionReviewVersions is a call failure);
// - `clientConfig.service` cannot be reached from here: a call to it is a call failure (so
//   failurePolicy decides);
// - `matchConditions` (CEL) are not evaluated: a webhook that has them is treated as matching;
// - objects are not converted between versions (every served version shares one schema here);
// - MutatingWebhookConfigurations are not served;
// - deletions the store makes by itself (a namespace's contents, owner-reference garbage
//   collection, a CRD's objects) are not sent to webhooks.
// Writes of ValidatingWebhookConfigurations themselves are never sent to webhooks.
//
// Thread-safety: review() may run on many server threads at once; it reads the store through
// its public (locking) methods and must be called without the store's lock held.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test/apiserver/object_store.h"

namespace peregrine::apiserver {

struct RequestContext {
  nlohmann::json user_info = nlohmann::json::object();  // authentication.k8s.io/v1 UserInfo
  nlohmann::json options = nullptr;                     // CreateOptions / UpdateOptions / DeleteOptions
  bool dry_run = false;
};

class Admission {
 public:
  explicit Admission(const ObjectStore& store) : store_(store) {}

  // nullopt when every matching webhook allowed the write (or failed with failurePolicy Ignore);
  // the webhooks' warnings are appended to `warnings`.
  std::optional<ApiFailure> review(const WriteAttempt& attempt, const RequestContext& context,
                                   std::vector<std::string>* warnings) const;

 private:
  nlohmann::json namespace_labels(const WriteAttempt& attempt) const;

  const ObjectStore& store_;
};

}  // namespace peregrine::apiserver
