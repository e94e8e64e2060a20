#pragma once
// Which validating webhooks a request reaches: a webhook's `rules`, `namespaceSelector`,
// `objectSelector` and `matchPolicy` against the request's attributes, with the semantics of
// the real API server's webhook matcher. Pure functions over JSON, no I/O.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace peregrine::apiserver {

struct ResourceRef {
  std::string group, version, resource, subresource, kind;
};

struct MatchInput {
  std::string operation;                 // CREATE, UPDATE, DELETE
  ResourceRef request;                   // the resource as the client addressed it
  std::vector<ResourceRef> equivalents;  // the same resource in the other served versions
  std::string ns;                        // "" for cluster-scoped objects; the name for a Namespace
  nlohmann::json namespace_labels = nlohmann::json::object();  // labels of `ns`
  nlohmann::json object = nullptr;       // null when absent (DELETE)
  nlohmann::json old_object = nullptr;   // null when absent (CREATE)
};

// A metav1.LabelSelector (matchLabels, matchExpressions with In/NotIn/Exists/DoesNotExist)
// against a labels map. A null or empty selector selects everything. An operator it does not
// know selects nothing.
bool label_selector_matches(const nlohmann::json& selector, const nlohmann::json& labels);

// One RuleWithOperations against an operation on `r`. "*" in apiGroups/apiVersions/operations
// matches all; in resources "*" matches every resource but no subresource, "*/*" everything,
// "pods/*" every subresource of pods, "*/status" the status of everything.
bool rule_matches(const nlohmann::json& rule, const std::string& operation, const ResourceRef& r,
                  const std::string& ns);

// The resource the webhook is to be called for: the request's own when a rule names it, else
// (matchPolicy Equivalent, the default) the first equivalent one a rule names; nullopt when the
// webhook does not apply to the request.
std::optional<ResourceRef> match_webhook(const nlohmann::json& webhook, const MatchInput& in);

}  // namespace peregrine::apiserver
