#include "test/apiserver/webhook_config.h"

#include <set>

#include "test/apiserver/object_meta.h"

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

std::string quoted(const json& v) { return v.is_string() ? "\"" + v.get<std::string>() + "\"" : v.dump(); }

std::string unsupported(const std::string& field, const json& value, const std::set<std::string>& allowed) {
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "\"" : ", \"") + a + "\"";
  return field + ": Unsupported value: " + quoted(value) + ": supported values: " + list;
}

bool in(const json& v, const std::set<std::string>& allowed) {
  return v.is_string() && allowed.count(v.get<std::string>()) > 0;
}

std::string check_url(const std::string& field, const std::string& url) {
  if (url.rfind("https://", 0) != 0)
    return field + ": Invalid value: \"" + url + "\": 'https' is the only allowed URL scheme";
  if (url.find('?') != std::string::npos) return field + ": Invalid value: \"" + url + "\": query parameters are not allowed";
  if (url.find('#') != std::string::npos) return field + ": Invalid value: \"" + url + "\": fragments are not allowed";
  if (url.size() == 8 || url[8] == '/') return field + ": Invalid value: \"" + url + "\": host must be specified";
  return "";
}

std::string check_rule(const std::string& field, json& rule) {
  static const std::set<std::string> kOperations = {"*", "CONNECT", "CREATE", "DELETE", "UPDATE"};
  static const std::set<std::string> kScopes = {"*", "Cluster", "Namespaced"};
  for (const char* list : {"operations", "apiGroups", "apiVersions", "resources"}) {
    if (!rule.contains(list) || !rule[list].is_array() || rule[list].empty())
      return field + "." + list + ": Required value";
  }
  for (size_t i = 0; i < rule["operations"].size(); ++i)
    if (!in(rule["operations"][i], kOperations))
      return unsupported(field + ".operations[" + std::to_string(i) + "]", rule["operations"][i], kOperations);
  for (const auto& r : rule["resources"])
    if (!r.is_string() || r.get<std::string>().empty() || r.get<std::string>().front() == '/')
      return field + ".resources: Invalid value: " + quoted(r) + ": resource must not be empty";
  if (!rule.contains("scope")) rule["scope"] = "*";
  if (!in(rule["scope"], kScopes)) return unsupported(field + ".scope", rule["scope"], kScopes);
  return "";
}

std::string check_webhook(const std::string& field, json& hook) {
  static const std::set<std::string> kFailure = {"Fail", "Ignore"};
  static const std::set<std::string> kMatch = {"Equivalent", "Exact"};
  static const std::set<std::string> kSideEffects = {"None", "NoneOnDryRun"};
  std::string name = hook.value("name", "");
  if (name.empty()) return field + ".name: Required value";
  size_t dots = 0;
  for (char c : name) dots += c == '.';
  if (!check_object_name(name).empty() || dots < 2)
    return field + ".name: Invalid value: \"" + name + "\": should be a domain with at least three segments separated by dots";

  if (!hook.contains("admissionReviewVersions") || !hook["admissionReviewVersions"].is_array())
    return field + ".admissionReviewVersions: Required value: must specify one of v1, v1beta1";
  bool known = false;
  for (const auto& v : hook["admissionReviewVersions"]) known |= v == "v1" || v == "v1beta1";
  if (!known)
    return field + ".admissionReviewVersions: Invalid value: " + hook["admissionReviewVersions"].dump() +
           ": must include at least one of v1, v1beta1";
  if (!hook.contains("sideEffects")) return field + ".sideEffects: Required value: must specify one of None, NoneOnDryRun";
  if (!in(hook["sideEffects"], kSideEffects)) return unsupported(field + ".sideEffects", hook["sideEffects"], kSideEffects);

  if (!hook.contains("failurePolicy")) hook["failurePolicy"] = "Fail";
  if (!in(hook["failurePolicy"], kFailure)) return unsupported(field + ".failurePolicy", hook["failurePolicy"], kFailure);
  if (!hook.contains("matchPolicy")) hook["matchPolicy"] = "Equivalent";
  if (!in(hook["matchPolicy"], kMatch)) return unsupported(field + ".matchPolicy", hook["matchPolicy"], kMatch);
  if (!hook.contains("namespaceSelector")) hook["namespaceSelector"] = json::object();
  if (!hook.contains("objectSelector")) hook["objectSelector"] = json::object();
  if (!hook.contains("timeoutSeconds")) hook["timeoutSeconds"] = 10;
  const json& timeout = hook["timeoutSeconds"];
  if (!timeout.is_number_integer() || timeout.get<int>() < 1 || timeout.get<int>() > 30)
    return field + ".timeoutSeconds: Invalid value: " + timeout.dump() +
           ": the timeout value must be between 1 and 30 seconds";

  const json client = hook.value("clientConfig", json::object());
  const bool has_url = client.contains("url"), has_service = client.contains("service");
  if (has_url == has_service) return field + ".clientConfig: Required value: exactly one of url or service is required";
  if (has_url) {
    if (std::string why = check_url(field + ".clientConfig.url", client.value("url", "")); !why.empty()) return why;
  } else {
    const json svc = client["service"];
    if (svc.value("name", "").empty()) return field + ".clientConfig.service.name: Required value: service name is required";
    if (svc.value("namespace", "").empty())
      return field + ".clientConfig.service.namespace: Required value: service namespace is required";
  }
  if (hook.contains("rules")) {
    if (!hook["rules"].is_array()) return field + ".rules: Invalid value: must be a list";
    for (size_t i = 0; i < hook["rules"].size(); ++i)
      if (std::string why = check_rule(field + ".rules[" + std::to_string(i) + "]", hook["rules"][i]); !why.empty())
        return why;
  }
  return "";
}

}  // namespace

std::string default_and_check_webhook_configuration(json& config) {
  if (!config.contains("webhooks") || config["webhooks"].is_null()) return "";
  if (!config["webhooks"].is_array()) return "webhooks: Invalid value: must be a list";
  std::set<std::string> names;
  for (size_t i = 0; i < config["webhooks"].size(); ++i) {
    json& hook = config["webhooks"][i];
    const std::string field = "webhooks[" + std::to_string(i) + "]";
    if (!hook.is_object()) return field + ": Invalid value: must be an object";
    if (std::string why = check_webhook(field, hook); !why.empty()) return why;
    if (!names.insert(hook.value("name", "")).second)
      return field + ".name: Duplicate value: \"" + hook.value("name", "") + "\"";
  }
  return "";
}

}  // namespace peregrine::apiserver
