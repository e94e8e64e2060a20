#pragma once
// The three patch formats the API accepts on PATCH:
// - JSON merge patch (RFC 7386): objects merge recursively, null deletes, arrays replace.
// - JSON patch (RFC 6902): an array of add/remove/replace/move/copy/test operations.
// - Strategic merge patch, as far as `kubectl apply` and `kubectl patch` need it for the
//   built-in kinds: lists of objects merge by their merge key (containers by name, ...),
//   `$patch: delete|replace`, `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>` and
//   `$retainKeys` directives. Merge keys come from a fixed table of field names.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace peregrine::apiserver {

nlohmann::json apply_merge_patch(const nlohmann::json& target, const nlohmann::json& patch);

// On failure returns nullopt and sets *error (a failed `test` op or an invalid path).
std::optional<nlohmann::json> apply_json_patch(const nlohmann::json& target, const nlohmann::json& ops,
                                               std::string* error);

nlohmann::json apply_strategic_merge_patch(const nlohmann::json& target, const nlohmann::json& patch);

}  // namespace peregrine::apiserver
