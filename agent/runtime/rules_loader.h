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

// Rules that arrive as text (cluster mode: a bundle's files), compiled after the paths' files.
// A non-empty tenant scopes the file's rules to that namespace.
struct RuleTextInput {
  std::string name;  // for messages and the hash
  std::string text;
  std::string tenant;
};

RulesLoad load_rules(const engine::Engine& engine, const std::vector<std::string>& paths,
                     const std::vector<RuleTextInput>& texts = {});

}  // namespace peregrine::agent
