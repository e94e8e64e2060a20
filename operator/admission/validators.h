#pragma once
// Validators the webhook server calls, and the defaults used when the operator core supplies
// none (and by the tests). The operator core's FalcoRule validator also compiles the rules the
// object joins; the default one compiles the object's spec.rules alone.
//
// A Validator may be called from several server threads at once; the defaults are safe for
// that (they share only the immutable Engine).

#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/rules/diagnostic.h"
#include "operator/admission/admission_review.h"

namespace peregrine::op::admission {

// "spec.rules:LINE:COL: ITEM: message" (line and column counted inside spec.rules; parts that
// are unknown are left out).
std::string describe_rules_diagnostic(const engine::Diagnostic& d);

// The verdict for rule-load diagnostics: refused with every error (at most 20, then "and N
// more") when there are errors; warnings become admission warnings.
Verdict verdict_from_diagnostics(const std::vector<engine::Diagnostic>& errors,
                                 const std::vector<engine::Diagnostic>& warnings);

// FalcoRule CREATE/UPDATE: spec.rules must be a string that loads alone with `engine`
// (which must outlive the validator), as the tenant of the object's namespace — or
// cluster-wide in `cluster_namespace`, the operator's (cluster contract). Other operations
// are allowed.
Validator falco_rule_alone_validator(const engine::Engine& engine,
                                     std::string cluster_namespace = "peregrine-system");

// FalcoOutput CREATE/UPDATE: the checks of operator/outputs render_outputs(), including the
// outputs library's loader, without Secret values (their existence is the operator's
// Accepted condition, not an admission matter: a Secret may be created after its user).
Validator falco_output_validator();

}  // namespace peregrine::op::admission
