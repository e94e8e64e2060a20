#include "operator/outputs/yaml_text.h"

#include <algorithm>
#include <cctype>
#include <iterator>

#include <yaml-cpp/yaml.h>

namespace peregrine::op::outputs {
namespace {

// A key YAML reads back as this same string when written plain.
bool plain_key(const std::string& k) {
  static const char* const kReserved[] = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"};
  if (k.empty() || !(std::isalpha(static_cast<unsigned char>(k[0])) || k[0] == '_')) return false;
  for (char c : k)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') return false;
  std::string lower;
  for (char c : k) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return std::none_of(std::begin(kReserved), std::end(kReserved),
                      [&](const char* r) { return lower == r; });
}

void emit(YAML::Emitter& out, const nlohmann::json& v, const std::vector<std::string>& first_keys) {
  switch (v.type()) {
    case nlohmann::json::value_t::object: {
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      std::vector<std::string> keys;
      for (const auto& k : first_keys)
        if (v.contains(k)) keys.push_back(k);
      for (const auto& [k, item] : v.items())
        if (std::find(first_keys.begin(), first_keys.end(), k) == first_keys.end()) keys.push_back(k);
      out << YAML::BeginMap;
      for (const auto& k : keys) {
        out << YAML::Key;
        if (!plain_key(k)) out << YAML::DoubleQuoted;
        out << k << YAML::Value;
        emit(out, v[k], first_keys);
      }
      out << YAML::EndMap;
      return;
    }
    case nlohmann::json::value_t::array:
      if (v.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const auto& item : v) emit(out, item, first_keys);
      out << YAML::EndSeq;
      return;
    case nlohmann::json::value_t::string:
      out << YAML::DoubleQuoted << v.get<std::string>();
      return;
    case nlohmann::json::value_t::boolean:
      out << (v.get<bool>() ? "true" : "false");
      return;
    case nlohmann::json::value_t::null:
      out << YAML::Null;
      return;
    default:  // numbers: JSON's text is valid YAML
      out << v.dump();
      return;
  }
}

}  // namespace

std::string to_yaml_text(const nlohmann::json& value, const std::vector<std::string>& first_keys) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, value, first_keys);
  return std::string(out.c_str()) + "\n";
}

}  // namespace peregrine::op::outputs
