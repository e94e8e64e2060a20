#pragma once
// What the pipeline does with a rule match: which rules count and the alerts' hostname.

#include <string>

#include "engine/ruleset/ruleset.h"

namespace peregrine::agent {

struct PipelineOptions {
  std::string hostname;
  engine::RuleMatching matching = engine::RuleMatching::kFirst;
  engine::Priority minimum_priority = engine::Priority::kDebug;
};

}  // namespace peregrine::agent
