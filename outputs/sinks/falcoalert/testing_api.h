#pragma once
// For tests against the API test server: installs the FalcoAlert CRD from crds/ (the real
// file, so the tests see the real schema and printer columns) and creates namespaces.

#include <fstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "kube/client.h"

namespace peregrine::outputs::falcoalert::testing {

// YAML to JSON with YAML's plain-scalar typing; quoted scalars stay strings.
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

// The CRD and the namespaces; the error text, or "" on success.
inline std::string install_falcoalerts(kube::Client& client, std::initializer_list<std::string> namespaces) {
  nlohmann::json crd = yaml_to_json(YAML::LoadFile(std::string(PEREGRINE_SOURCE_DIR) +
                                                   "/crds/peregrine.dev_falcoalerts.yaml"));
  kube::ResourceRef crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions", false};
  if (auto r = client.create(crds, "", crd); !r.ok()) return r.error().describe();
  kube::ResourceRef ns_ref{"", "v1", "namespaces", false};
  for (const auto& ns : namespaces) {
    nlohmann::json obj = {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}};
    if (auto r = client.create(ns_ref, "", obj); !r.ok()) return r.error().describe();
  }
  return "";
}

inline const kube::ResourceRef& falcoalerts_ref() {
  static const kube::ResourceRef ref{"peregrine.dev", "v1alpha1", "falcoalerts", true};
  return ref;
}

}  // namespace peregrine::outputs::falcoalert::testing
