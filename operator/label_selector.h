#pragma once
// metav1.LabelSelector evaluation (matchLabels and matchExpressions with In, NotIn, Exists,
// DoesNotExist, all ANDed), as FalcoRule spec.nodeSelector uses it. An absent or empty selector
// selects everything, as the CRD documents. Thread-safe (pure).

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace peregrine::op {

using Labels = std::map<std::string, std::string>;

// The labels of an object's metadata.labels (non-string values are skipped).
Labels labels_of(const nlohmann::json& object);

// An error names the requirement that is malformed (unknown operator, In without values, ...);
// the API server's schema refuses most of these, so an error here means a schema-less server.
Result<bool> selector_matches(const nlohmann::json& selector, const Labels& labels);

}  // namespace peregrine::op
