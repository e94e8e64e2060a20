#pragma once
// Compiles a rule's `exceptions` into condition text exactly as Falco does, so that
// `condition` + exceptions behave the same in both engines:
//   single field:  (FIELD COMP (v1, v2, ...))
//   field tuples:  ((F1 C1 V1 and F2 C2 V2) or (...))
// and the rule becomes `(condition) and not EXC1 and not EXC2 ...`. Values with blanks are
// quoted; a list operator's scalar value is parenthesised (so it may name a list).

#include <string>
#include <vector>

#include "common/result.h"
#include "engine/rules/rule_document.h"

namespace peregrine::engine {

// The text to negate for one exception, or "" when it has no values (it then excludes nothing).
Result<std::string> exception_condition(const ExceptionInfo& ex);

// The field names an exception compares (for validation against the rule's source).
std::vector<std::string> exception_fields(const ExceptionInfo& ex);

}  // namespace peregrine::engine
