#pragma once
// The webhook's FalcoRule check, as the issue asks: the object compiled together with the rules
// it joins, so `kubectl apply` refuses what the reconcile would refuse. The object alone first
// (its own YAML/syntax/field errors), then the whole set in load order — (spec.order,
// namespace, name), the order the operator ships — with the object in place of its old
// version. A set that was already broken without the object refuses only errors the object
// adds; errors that were there before are not this object's to answer for.
//
// Thread-safety: the validator may be called from several server threads at once (compiles
// are serialised by a mutex: they share the validator's caches).

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "operator/admission/admission_review.h"

namespace peregrine::op {

// `current_rules` returns the FalcoRules the operator knows (its informer cache).
admission::Validator falco_rule_set_validator(const engine::Engine& engine, std::string operator_namespace,
                                              std::function<std::vector<nlohmann::json>()> current_rules);

}  // namespace peregrine::op
