#include "outputs/sinks/falcoalert/alert_key.h"

#include <cstdio>

namespace peregrine::outputs::falcoalert {
namespace {

constexpr size_t kMaxSlug = 46;  // + '-' + 16 hex = 63, the DNS-1123 label limit

// A field's value as text: strings as they are, null (missing) as "", anything else as JSON.
std::string field_text(const nlohmann::ordered_json& fields, const char* name) {
  auto it = fields.find(name);
  if (it == fields.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

// Whether an audit alert is about a pod. A rule's output names only some fields, so besides
// ka.target.resource the subresources that exist only on pods tell it too.
bool targets_pod(const nlohmann::ordered_json& fields) {
  std::string resource = field_text(fields, "ka.target.resource");
  if (!resource.empty()) return resource == "pods";
  std::string sub = field_text(fields, "ka.target.subresource");
  return sub == "exec" || sub == "attach" || sub == "portforward" || sub == "log" ||
         sub == "ephemeralcontainers" || sub == "eviction" || sub == "binding";
}

}  // namespace

std::string AlertKey::joined() const {
  std::string s;
  s.reserve(rule.size() + node.size() + ns.size() + pod.size() + container.size() + 4);
  const std::string* parts[] = {&rule, &node, &ns, &pod, &container};
  for (size_t i = 0; i < 5; ++i) {
    if (i > 0) s.push_back('\0');
    s += *parts[i];
  }
  return s;
}

AlertKey AlertKey::from_joined(const std::string& joined) {
  AlertKey k;
  std::string* parts[] = {&k.rule, &k.node, &k.ns, &k.pod, &k.container};
  size_t start = 0;
  for (size_t i = 0; i < 5; ++i) {
    size_t end = i < 4 ? joined.find('\0', start) : std::string::npos;
    *parts[i] = joined.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return k;
}

AlertKey key_of(const engine::Alert& alert, const std::string& node_name) {
  return AlertKey::from_joined(joined_key_of(alert, node_name));
}

std::string joined_key_of(const engine::Alert& alert, const std::string& node_name) {
  const auto& f = alert.output_fields;
  std::string ns = field_text(f, "k8s.ns.name");
  if (ns.empty()) ns = field_text(f, "ka.target.namespace");
  std::string pod = field_text(f, "k8s.pod.name");
  if (pod.empty() && targets_pod(f)) pod = field_text(f, "ka.target.name");
  std::string container = field_text(f, "container.name");
  const std::string& node = node_name.empty() ? alert.hostname : node_name;
  std::string s;
  s.reserve(alert.rule.size() + node.size() + ns.size() + pod.size() + container.size() + 4);
  s += alert.rule;
  const std::string* parts[] = {&node, &ns, &pod, &container};
  for (const std::string* part : parts) {
    s.push_back('\0');
    s += *part;
  }
  return s;
}

uint64_t key_hash(const AlertKey& key) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : key.joined()) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string object_name(const AlertKey& key) {
  std::string slug;
  for (char c : key.rule) {
    if (slug.size() >= kMaxSlug) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) slug.push_back(c);
    else if (!slug.empty() && slug.back() != '-') slug.push_back('-');
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "alert";
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(key_hash(key)));
  return slug + "-" + hex;
}

}  // namespace peregrine::outputs::falcoalert
