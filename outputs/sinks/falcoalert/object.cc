#include "outputs/sinks/falcoalert/object.h"

#include <ctime>

#include "engine/rules/priority.h"

namespace peregrine::outputs::falcoalert {
namespace {

constexpr size_t kMaxOutput = 32768;
constexpr size_t kMaxFields = 256;
constexpr size_t kMaxTags = 64;

std::string cut(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  // Never split a UTF-8 sequence: back off to the start of the character.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// Source names are [a-z0-9_.-]+ in the schema: lowercased, anything else becomes '_'.
std::string source_name(const std::string& source) {
  std::string out = cut(source, 63);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) c = '_';
  }
  return out.empty() ? "unknown" : out;
}

std::string field_text(const nlohmann::ordered_json& fields, const char* name) {
  auto it = fields.find(name);
  if (it == fields.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// A Kubernetes label value: at most 63 of [A-Za-z0-9._-], alphanumeric at both ends; "" when
// the text is not one (the label is then left out).
std::string label_value(const std::string& s) {
  if (s.empty() || s.size() > 63) return {};
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  for (char c : s)
    if (!alnum(c) && c != '.' && c != '_' && c != '-') return {};
  if (!alnum(s.front()) || !alnum(s.back())) return {};
  return s;
}

}  // namespace

std::string rfc3339_seconds(uint64_t time_ns) {
  std::time_t t = static_cast<std::time_t>(time_ns / 1000000000ull);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

nlohmann::json sample_spec(const Entry& entry, const Due& due) {
  nlohmann::json spec = nlohmann::json::object();
  const AlertKey& k = entry.key;
  spec["rule"] = cut(k.rule, 1024);
  spec["node"] = cut(k.node.empty() ? "unknown" : k.node, 253);
  spec["namespace"] = cut(k.ns, 63);
  spec["pod"] = cut(k.pod, 253);
  spec["container"] = cut(k.container, 253);
  if (!due.sample) return spec;
  const engine::Alert& a = *due.sample;
  spec["priority"] = std::string(engine::priority_name(a.priority));
  spec["source"] = source_name(a.source);
  spec["containerId"] = cut(field_text(a.output_fields, "container.id"), 128);
  nlohmann::json tags = nlohmann::json::array();
  for (const auto& t : a.tags) {
    if (tags.size() >= kMaxTags) break;
    if (!t.empty()) tags.push_back(cut(t, 256));
  }
  spec["tags"] = std::move(tags);
  spec["sampleOutput"] = cut(a.output_line(), kMaxOutput);
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [name, value] : a.output_fields.items()) {
    if (fields.size() >= kMaxFields) break;
    fields[name] = value.is_string() ? nlohmann::json(cut(value.get<std::string>(), kMaxOutput))
                                     : nlohmann::json::parse(value.dump());
  }
  spec["sampleFields"] = std::move(fields);
  return spec;
}

nlohmann::json new_object(const Entry& entry, const Due& due, const std::string& ns, uint64_t count) {
  nlohmann::json spec = sample_spec(entry, due);
  spec["count"] = count;
  spec["firstSeen"] = rfc3339_seconds(due.first_ns);
  spec["lastSeen"] = rfc3339_seconds(due.last_ns);
  nlohmann::json labels = {{"app.kubernetes.io/part-of", "peregrine"},
                           {"app.kubernetes.io/managed-by", "peregrine-falcoalert"}};
  if (auto node = label_value(entry.key.node); !node.empty()) labels["peregrine.dev/node"] = node;
  return {{"apiVersion", std::string(kGroup) + "/" + kVersion},
          {"kind", "FalcoAlert"},
          {"metadata", {{"name", entry.name}, {"namespace", ns}, {"labels", labels}}},
          {"spec", spec}};
}

}  // namespace peregrine::outputs::falcoalert
