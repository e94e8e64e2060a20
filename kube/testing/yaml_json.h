#pragma once
// YAML documents as the JSON the API server takes: tests and benchmarks load CRDs, samples
// and fixtures written in YAML and send them through the JSON client.

#include <string_view>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace peregrine::kube::testing {

// YAML to JSON with YAML's plain-scalar typing (true/false, null, integers); quoted scalars
// stay strings.
inline nlohmann::json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.Scalar()] = yaml_to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") return s;
      if (s == "true") return true;
      if (s == "false") return false;
      if (s == "null" || s == "~") return nullptr;
      std::string_view digits = s;
      if (!digits.empty() && digits.front() == '-') digits.remove_prefix(1);
      if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos)
        return nlohmann::json::parse(s);
      return s;
    }
    default:
      return nullptr;
  }
}

}  // namespace peregrine::kube::testing
