#include "operator/outputs/output_spec.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "common/strings.h"

namespace peregrine::op::outputs {
namespace {

using Keys = std::set<std::string>;

// Keys every sink takes (outputs/README.md "Configuration", the common part).
const Keys& common_keys() {
  static const Keys k = {"type", "minimumPriority", "rules", "tags", "customFields", "template",
                         "delivery"};
  return k;
}

// Per type, the spec keys besides the common ones. Mirrors outputs/config/sink_factory.cc with
// the CRD's names: credentials only as *SecretRef, no node file paths.
const std::map<std::string, Keys>& type_keys() {
  static const Keys http = {"headers", "headerSecretRefs", "tls", "timeoutMs"};
  auto with_http = [](Keys k, bool url_is_secret) {
    k.insert(http.begin(), http.end());
    k.insert(url_is_secret ? "urlSecretRef" : "url");
    return k;
  };
  static const std::map<std::string, Keys> t = {
      {"stdout", {"format"}},
      {"file", {"path", "format"}},
      {"program", {"command", "format"}},
      {"syslog", {"transport", "host", "port", "socketPath", "facility", "appName", "format",
                  "timeoutMs"}},
      {"webhook", with_http({"batch"}, false)},
      {"slack", with_http({"username", "channel"}, true)},
      {"teams", with_http({}, true)},
      {"alertmanager", with_http({"labelFields", "expireAfterSeconds"}, false)},
      {"loki", with_http({"labels"}, false)},
      {"elasticsearch", with_http({"index"}, false)},
      {"nats", {"host", "port", "subject", "user", "passwordSecretRef", "tokenSecretRef",
                "timeoutMs"}},
      {"mqtt", {"host", "port", "topic", "qos", "clientId", "user", "passwordSecretRef", "tls",
                "timeoutMs"}},
      {"kafka", {"brokers", "topic", "properties", "saslPasswordSecretRef", "timeoutMs"}},
      {"redis", {"host", "port", "key", "mode", "streamMaxLen", "database", "passwordSecretRef",
                 "timeoutMs"}},
      {"falcoalert", {"timeoutMs"}},
  };
  return t;
}

// Keys a type cannot do without (the library has no default for them).
const std::map<std::string, Keys>& required_keys() {
  static const std::map<std::string, Keys> r = {
      {"file", {"path"}},        {"program", {"command"}},   {"webhook", {"url"}},
      {"slack", {"urlSecretRef"}}, {"teams", {"urlSecretRef"}}, {"alertmanager", {"url"}},
      {"loki", {"url"}},         {"elasticsearch", {"url"}}, {"kafka", {"brokers"}},
  };
  return r;
}

// Credentials that must arrive as `<key>SecretRef`, never as a value.
const Keys& credential_keys() {
  static const Keys c = {"password", "token", "saslPassword"};
  return c;
}

std::vector<std::string> types_taking(const std::string& key) {
  std::vector<std::string> out;
  for (const auto& [type, keys] : type_keys())
    if (keys.count(key)) out.push_back(type);
  return out;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

bool is_secret_ref_key(const std::string& key) { return key.ends_with("SecretRef"); }

// A `{name, key}` Secret reference as the CRD describes it.
void check_secret_ref(const nlohmann::json& ref, const std::string& field,
                      std::vector<std::string>& problems) {
  static const std::regex dns_subdomain(
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  static const std::regex secret_key("[-._a-zA-Z0-9]+");
  if (!ref.is_object() || !ref.contains("name") || !ref.contains("key") ||
      !ref["name"].is_string() || !ref["key"].is_string()) {
    problems.push_back(field + ": must be {name: SECRET, key: KEY}");
    return;
  }
  for (const auto& [k, v] : ref.items())
    if (k != "name" && k != "key") problems.push_back(field + "." + k + ": unknown field");
  const std::string name = ref["name"], key = ref["key"];
  if (name.size() > 253 || !std::regex_match(name, dns_subdomain))
    problems.push_back(field + ".name: '" + name + "' is not a Secret name");
  if (key.size() > 253 || key == "." || key == ".." || !std::regex_match(key, secret_key))
    problems.push_back(field + ".key: '" + key + "' is not a Secret key");
}

void check_http_extras(const nlohmann::json& spec, const std::string& type,
                       std::vector<std::string>& problems) {
  if (auto h = spec.find("headers"); h != spec.end() && h->is_object())
    for (const auto& [name, value] : h->items())
      if (iequals(name, "authorization") || iequals(name, "proxy-authorization"))
        problems.push_back("spec.headers." + name +
                           ": is a credential: give it in headerSecretRefs, never inline");
  if (auto h = spec.find("headerSecretRefs"); h != spec.end()) {
    if (!h->is_object()) problems.push_back("spec.headerSecretRefs: must be a mapping");
    else
      for (const auto& [name, ref] : h->items())
        check_secret_ref(ref, "spec.headerSecretRefs." + name, problems);
  }
  auto tls = spec.find("tls");
  if (tls == spec.end()) return;
  if (!tls->is_object()) {
    problems.push_back("spec.tls: must be a mapping");
    return;
  }
  // The MQTT client verifies servers always; only the HTTP sinks have a switch to skip it.
  Keys tls_keys = {"caSecretRef", "certSecretRef", "keySecretRef"};
  if (type != "mqtt") tls_keys.insert("insecureSkipVerify");
  for (const auto& [k, v] : tls->items()) {
    const std::string field = "spec.tls." + k;
    if (k.ends_with("File"))
      problems.push_back(field + ": node file paths are not taken from a FalcoOutput; use " +
                         k.substr(0, k.size() - 4) + "SecretRef");
    else if (!tls_keys.count(k))
      problems.push_back(field + (k == "insecureSkipVerify"
                                      ? ": does not apply to type '" + type + "'"
                                      : ": unknown field"));
    else if (is_secret_ref_key(k))
      check_secret_ref(v, field, problems);
  }
  if (tls->contains("certSecretRef") != tls->contains("keySecretRef"))
    problems.push_back("spec.tls: mutual TLS needs both certSecretRef and keySecretRef");
}

void check_kafka_properties(const nlohmann::json& spec, std::vector<std::string>& problems) {
  auto p = spec.find("properties");
  if (p == spec.end() || !p->is_object()) return;
  for (const auto& [k, v] : p->items())
    if (k.find("password") != std::string::npos || k.find("secret") != std::string::npos)
      problems.push_back("spec.properties." + k +
                         ": is a credential: give the SASL password in saslPasswordSecretRef");
}

// Everything the type table lists, for did-you-mean hints on unknown fields.
std::vector<std::string> every_key() {
  Keys all = common_keys();
  for (const auto& [type, keys] : type_keys()) all.insert(keys.begin(), keys.end());
  return {all.begin(), all.end()};
}

void check_key(const std::string& key, const nlohmann::json& value, const std::string& type,
               const Keys& allowed, std::vector<std::string>& problems) {
  const std::string field = "spec." + key;
  if (common_keys().count(key) || allowed.count(key)) {
    if (is_secret_ref_key(key)) check_secret_ref(value, field, problems);
    if ((key == "path" || key == "socketPath") && value.is_string() &&
        !value.get<std::string>().starts_with("/"))
      problems.push_back(field + ": must be an absolute path");
    return;
  }
  if (credential_keys().count(key)) {
    problems.push_back(field + ": is a credential: give it as " + key +
                       "SecretRef ({name, key} of a Secret), never inline");
    return;
  }
  if (key == "url" && (type == "slack" || type == "teams")) {
    problems.push_back(field + ": a " + type +
                       " webhook URL carries its token: give it as urlSecretRef, never inline");
    return;
  }
  if (key.ends_with("File")) {
    problems.push_back(field + ": node file paths are not taken from a FalcoOutput; use " +
                       key.substr(0, key.size() - 4) + "SecretRef");
    return;
  }
  if (auto takers = types_taking(key); !takers.empty() || common_keys().count(key)) {
    problems.push_back(field + ": does not apply to type '" + type + "' (only to " +
                       join(takers, ", ") + ")");
    return;
  }
  std::string hint;
  if (auto close = closest_match(key, every_key())) hint = " (did you mean '" + *close + "'?)";
  problems.push_back(field + ": unknown field" + hint);
}

nlohmann::json rendered_ref(const std::string& ns, const nlohmann::json& ref,
                            std::vector<SecretKeyRef>& secrets) {
  SecretKeyRef r{ns, ref["name"].get<std::string>(), ref["key"].get<std::string>()};
  secrets.push_back(r);
  return {{"name", r.dir()}, {"key", r.key}};
}

}  // namespace

const std::vector<std::string>& crd_sink_types() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> t;
    for (const auto& [type, keys] : type_keys()) t.push_back(type);
    return t;
  }();
  return types;
}

std::vector<std::string> check_output_spec(const nlohmann::json& spec) {
  std::vector<std::string> problems;
  if (!spec.is_object()) return {"spec: must be a mapping"};
  auto type_it = spec.find("type");
  if (type_it == spec.end() || !type_it->is_string() || type_it->get<std::string>().empty())
    return {"spec.type: is required (one of " + join(crd_sink_types(), ", ") + ")"};
  const std::string type = *type_it;
  auto keys = type_keys().find(type);
  if (keys == type_keys().end()) {
    std::string hint;
    if (auto close = closest_match(type, crd_sink_types())) hint = " (did you mean '" + *close + "'?)";
    return {"spec.type: unknown sink type '" + type + "'" + hint};
  }
  for (const auto& [key, value] : spec.items()) check_key(key, value, type, keys->second, problems);
  if (auto req = required_keys().find(type); req != required_keys().end())
    for (const auto& key : req->second)
      if (!spec.contains(key) || spec[key].is_null())
        problems.push_back("spec." + key + ": is required for type '" + type + "'");
  if (keys->second.count("headers") || keys->second.count("tls"))
    check_http_extras(spec, type, problems);
  if (type == "kafka") check_kafka_properties(spec, problems);
  return problems;
}

nlohmann::json output_entry(const std::string& ns, const std::string& name,
                            const nlohmann::json& spec, std::vector<SecretKeyRef>& secrets) {
  nlohmann::json entry = nlohmann::json::object();
  entry["name"] = ns + "/" + name;
  for (const auto& [key, value] : spec.items()) {
    if (is_secret_ref_key(key)) {
      entry[key] = rendered_ref(ns, value, secrets);
    } else if (key == "headerSecretRefs") {
      nlohmann::json refs = nlohmann::json::object();
      for (const auto& [header, ref] : value.items()) refs[header] = rendered_ref(ns, ref, secrets);
      entry[key] = refs;
    } else if (key == "tls") {
      nlohmann::json tls = nlohmann::json::object();
      for (const auto& [k, v] : value.items())
        tls[k] = is_secret_ref_key(k) ? rendered_ref(ns, v, secrets) : v;
      entry[key] = tls;
    } else {
      entry[key] = value;
    }
  }
  return entry;
}

}  // namespace peregrine::op::outputs
