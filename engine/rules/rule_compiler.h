#pragma once
// Compiles a RuleDocument into a Ruleset: lists expanded, macros parsed, each rule's
// condition (with its exceptions) and output compiled for its source. Errors and warnings go
// into the report with file:line:col, inside conditions too. Any error means no ruleset: a
// rule set never half-loads.

#include <memory>
#include <vector>

#include "engine/rules/diagnostic.h"
#include "engine/rules/rule_document.h"
#include "engine/ruleset/ruleset.h"
#include "engine/sources/event_source.h"

namespace peregrine::engine {

std::shared_ptr<const Ruleset> compile_rules(const RuleDocument& doc,
                                             const std::vector<const EventSource*>& sources,
                                             LoadReport& report);

}  // namespace peregrine::engine
