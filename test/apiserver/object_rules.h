#pragma once
// What the store knows of particular kinds and fields, shared by its create, update and delete
// paths: storage keys it treats specially, the part of an object that bumps its generation,
// and what the control plane fills in or refuses for CustomResourceDefinitions.

#include <string>

#include <nlohmann/json.hpp>

#include "test/apiserver/resource_registry.h"

namespace peregrine::apiserver {

inline constexpr const char* kNamespaces = "/namespaces";
inline constexpr const char* kCrds = "apiextensions.k8s.io/customresourcedefinitions";
inline constexpr const char* kWebhookConfigs = "admissionregistration.k8s.io/validatingwebhookconfigurations";

// "Kind.group", as the API's Invalid messages name a kind.
std::string qualified_kind(const ResourceType& type);
// The part of an object whose change bumps metadata.generation: everything but metadata and status.
nlohmann::json spec_part(const nlohmann::json& obj);
// Fills in the fields the real control plane would set right after a CRD is created.
void accept_crd(nlohmann::json& crd);
// "" when the CRD is acceptable, else the field error.
std::string check_crd(const nlohmann::json& crd);

}  // namespace peregrine::apiserver
