#pragma once
// For tests against the API test server: installs the FalcoAlert CRD from crds/ (the real
// file, so the tests see the real schema and printer columns) and creates namespaces.

#include <fstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "kube/client.h"
#include "kube/testing/yaml_json.h"

namespace peregrine::outputs::falcoalert::testing {

using kube::testing::yaml_to_json;

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
