#pragma once
// Server-side printing: the `meta.k8s.io/v1 Table` that `kubectl get` asks for with
// `Accept: application/json;as=Table;g=meta.k8s.io;v=v1`. Built-in kinds get NAME and AGE (pods
// and namespaces a STATUS too); custom resources get NAME plus their additionalPrinterColumns,
// or NAME and AGE when they declare none, as the real API server does.

#include <string>

#include <nlohmann/json.hpp>

#include "test/apiserver/resource_registry.h"

namespace peregrine::apiserver {

// True when an Accept header asks for a Table.
bool wants_table(const std::string& accept);

// `objects` is an array of full objects; each becomes a row carrying the object itself.
nlohmann::json make_table(const ResourceType& type, const nlohmann::json& objects,
                          const std::string& resource_version, const std::string& continue_token);

// Evaluates the JSONPath subset used by printer columns: `.a.b`, `.a[0]`, `.a[*].b`,
// `.a[?(@.type=="Ready")].status`. Returns null when the path selects nothing.
nlohmann::json eval_json_path(const nlohmann::json& object, const std::string& path);

}  // namespace peregrine::apiserver
