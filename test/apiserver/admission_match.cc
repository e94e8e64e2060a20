#include "test/apiserver/admission_match.h"

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

bool listed(const json& list, const std::string& value) {
  if (!list.is_array()) return false;
  for (const auto& v : list)
    if (v == "*" || v == value) return true;
  return false;
}

bool expression_matches(const json& e, const json& labels) {
  const std::string key = e.value("key", "");
  const std::string op = e.value("operator", "");
  const bool has = labels.contains(key) && labels[key].is_string();
  const json values = e.value("values", json::array());
  auto value_in = [&] {
    for (const auto& v : values)
      if (has && v == labels[key]) return true;
    return false;
  };
  if (op == "In") return value_in();
  if (op == "NotIn") return !value_in();
  if (op == "Exists") return has;
  if (op == "DoesNotExist") return !has;
  return false;
}

bool matches_object_labels(const json& selector, const json& object) {
  if (!object.is_object()) return false;
  json labels = json::object();
  if (object.contains("metadata") && object["metadata"].is_object())
    labels = object["metadata"].value("labels", json::object());
  return label_selector_matches(selector, labels);
}

bool selector_empty(const json& selector) {
  if (!selector.is_object()) return true;
  return selector.value("matchLabels", json::object()).empty() &&
         selector.value("matchExpressions", json::array()).empty();
}

}  // namespace

bool label_selector_matches(const json& selector, const json& labels) {
  if (!selector.is_object()) return true;
  const json match_labels = selector.value("matchLabels", json::object());
  for (const auto& [k, v] : match_labels.items())
    if (!labels.contains(k) || labels[k] != v) return false;
  const json expressions = selector.value("matchExpressions", json::array());
  for (const auto& e : expressions)
    if (!expression_matches(e, labels)) return false;
  return true;
}

bool rule_matches(const json& rule, const std::string& operation, const ResourceRef& r, const std::string& ns) {
  if (!listed(rule.value("operations", json::array()), operation)) return false;
  if (!listed(rule.value("apiGroups", json::array()), r.group)) return false;
  if (!listed(rule.value("apiVersions", json::array()), r.version)) return false;

  bool resource = false;
  for (const auto& entry : rule.value("resources", json::array())) {
    if (!entry.is_string()) continue;
    const std::string text = entry.get<std::string>();
    const size_t slash = text.find('/');
    const std::string res = text.substr(0, slash);
    const std::string sub = slash == std::string::npos ? "" : text.substr(slash + 1);
    if ((res == "*" || res == r.resource) && (sub == "*" || sub == r.subresource)) resource = true;
  }
  if (!resource) return false;

  // A Namespace is cluster-scoped although its requests carry a namespace (its own name).
  const bool cluster_scoped = ns.empty() || (r.group.empty() && r.resource == "namespaces");
  const std::string scope = rule.value("scope", "*");
  if (scope == "Namespaced") return !cluster_scoped;
  if (scope == "Cluster") return cluster_scoped;
  return true;
}

std::optional<ResourceRef> match_webhook(const json& webhook, const MatchInput& in) {
  const bool namespace_object = in.request.group.empty() && in.request.resource == "namespaces";
  const json ns_selector = webhook.value("namespaceSelector", json::object());
  // Cluster-scoped objects other than Namespaces are never exempted by a namespaceSelector.
  if ((!in.ns.empty() || namespace_object) && !selector_empty(ns_selector) &&
      !label_selector_matches(ns_selector, in.namespace_labels))
    return std::nullopt;
  const json obj_selector = webhook.value("objectSelector", json::object());
  if (!selector_empty(obj_selector) && !matches_object_labels(obj_selector, in.object) &&
      !matches_object_labels(obj_selector, in.old_object))
    return std::nullopt;

  const json rules = webhook.value("rules", json::array());
  auto any_rule = [&](const ResourceRef& r) {
    for (const auto& rule : rules)
      if (rule_matches(rule, in.operation, r, in.ns)) return true;
    return false;
  };
  if (any_rule(in.request)) return in.request;
  if (webhook.value("matchPolicy", "Equivalent") == "Exact") return std::nullopt;
  for (const auto& r : in.equivalents)
    if (any_rule(r)) return r;
  return std::nullopt;
}

}  // namespace peregrine::apiserver
