#pragma once
// Loading the rule paths (and texts given directly) into a ruleset: expand directories, read every file once, hash the
// bytes that were compiled (so /metrics names exactly the ruleset in force), compile. On any
// error nothing is returned but the messages, each with its file:line:col.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "engine/engine.h"

namespace peregrine::agent {

struct LoadedRules {
  std::shared_ptr<const engine::Ruleset> ruleset;
  std::string hash;   // FNV-1a 64 over (path, content) pairs, hex
  size_t files = 0;
  std::vector<std::string> warnings;
};

struct RulesError {
  std::vector<std::string> messages;  // "path:line:col: message"
};

// Result-like: either rules or the errors.
struct RulesLoad {
  std::optional<LoadedRules> rules;
  RulesError errors;
};

// `texts` (cluster mode: a bundle's files) compile after the paths' files; one with a tenant is
// loaded in that tenant's scope (engine/rules/rule_text.h). The paths' files are cluster-wide.
RulesLoad load_rules(const engine::Engine& engine, const std::vector<std::string>& paths,
                     const std::vector<engine::RuleText>& texts = {});

}  // namespace peregrine::agent
