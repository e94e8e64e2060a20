#pragma once
// The rule engine's front door: the built-in event sources, and loading rule files into a
// compiled Ruleset. This is what the agent, the audit webhook, the operator and the CLI use.
//
// An Engine is immutable after construction and may be shared between threads; every load
// returns a fresh Ruleset, leaving rulesets already handed out untouched.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "engine/rules/diagnostic.h"
#include "engine/rules/rule_text.h"
#include "engine/ruleset/ruleset.h"
#include "engine/sources/event_source.h"

namespace peregrine::engine {

struct LoadResult {
  LoadReport report;
  std::shared_ptr<const Ruleset> ruleset;  // null when report has errors
};

class Engine {
 public:
  explicit Engine(std::string hostname);
  ~Engine();

  const std::string& hostname() const { return hostname_; }
  const std::vector<const EventSource*>& sources() const { return source_ptrs_; }
  const EventSource* source(std::string_view name) const;

  // Loads rule files in order as one ruleset. A file that cannot be read is an error in the
  // report, like a mistake inside one.
  LoadResult load_files(const std::vector<std::string>& paths) const;
  // Same, from (name, text) pairs: rules that arrive by other means than files. All are
  // cluster-wide.
  LoadResult load_texts(const std::vector<std::pair<std::string, std::string>>& files) const;
  // Same, where each text may belong to a tenant: its items live in the tenant's scope and its
  // rules match only that namespace's events (semantics in engine/rules/rule_text.h).
  LoadResult load_texts(const std::vector<RuleText>& texts) const;

 private:
  std::string hostname_;
  std::vector<std::unique_ptr<EventSource>> sources_;
  std::vector<const EventSource*> source_ptrs_;
};

// This machine's hostname (the `hostname` of alerts).
std::string system_hostname();

// Turns rule paths into files: a file stays; a directory gives its *.yaml and *.yml files in
// name order. Errors name the path that does not exist or cannot be listed.
Result<std::vector<std::string>> expand_rule_paths(const std::vector<std::string>& paths);

}  // namespace peregrine::engine
