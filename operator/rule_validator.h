#pragma once
// Decides which FalcoRule texts ship: each text alone, then the set in load order.
//
// "Alone" = the errors that are a text's own whatever else is loaded: YAML and syntax errors,
// unknown keys, bad values, bad conditions. A text compiled alone is also missing what other
// FalcoRules define, so references are not its own errors: appends/overrides with no earlier
// definition ("no-previous") and undefined macros are left for the set check.
// "In the set" = the accepted texts compiled together, in order. When that fails, the first
// text whose addition makes a prefix fail is found by bisection (O(log n) compiles per culprit;
// the common, valid case is a single compile) and taken out; a text with an earlier good
// version falls back to it, else it is dropped; repeat until the set compiles.
//
// Diagnostic file names are the texts' keys (<namespace>/<name>); each text is its own file, so
// line:column are already counted inside spec.rules.
//
// Thread-safety: one RuleValidator per thread (it caches results); the Engine is shared.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace peregrine::op {

struct RuleSource {
  std::string key;     // <namespace>/<name>: the diagnostic file name
  std::string tenant;  // "" cluster-wide
  std::string text;
};

struct AloneVerdict {
  std::vector<engine::Diagnostic> errors;    // its own errors; empty = acceptable alone
  std::vector<engine::Diagnostic> warnings;
};

// One candidate of the set: its current text, and the last text that was accepted (if any
// and different), used when the current one is refused.
struct SetCandidate {
  RuleSource current;
  bool current_ok_alone = true;
  std::optional<RuleSource> fallback;
};

enum class Chosen { kCurrent, kFallback, kNone };

struct SetVerdict {
  std::vector<Chosen> chosen;  // per candidate
  // Per candidate whose current text the set refused: the errors of the failing compile.
  std::map<size_t, std::vector<engine::Diagnostic>> set_errors;
  int compiles = 0;  // engine compiles this call ran (cache hits excluded)
};

class RuleValidator {
 public:
  explicit RuleValidator(const engine::Engine& engine) : engine_(engine) {}

  AloneVerdict check_alone(const RuleSource& source);
  // Texts whose current_ok_alone is false start on their fallback (or are left out).
  SetVerdict check_set(const std::vector<SetCandidate>& candidates);
  // Compiles the given texts in order; the errors of the report, empty when it loads.
  std::vector<engine::Diagnostic> compile_errors(const std::vector<const RuleSource*>& sources);
  // Engine compiles run so far (cache hits excluded).
  int compiles() const { return compiles_; }

 private:
  const engine::Engine& engine_;
  std::map<std::string, AloneVerdict> alone_cache_;        // sha256(tenant, text)
  std::map<std::string, std::vector<engine::Diagnostic>> set_cache_;  // sha256 of the sequence
  int compiles_ = 0;
};

// True for the diagnostics that say something another FalcoRule might define is missing.
bool is_reference_error(const engine::Diagnostic& d);

}  // namespace peregrine::op
