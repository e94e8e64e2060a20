#pragma once
// A compiled, immutable ruleset: per source, its rules (conditions and outputs compiled), the
// field table they share, and an index from event type to the rules that can match it.
//
// Thread-safety: a Ruleset is read-only after load and shared through shared_ptr, which is what
// makes hot reload an atomic pointer swap. Each evaluating thread owns its EvalContext
// (new_context()), which belongs to the ruleset that created it.

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/compiler/compiler.h"
#include "engine/compiler/eval_context.h"
#include "engine/compiler/flat_program.h"
#include "engine/output/alert.h"
#include "engine/output/output_format.h"
#include "engine/rules/priority.h"

namespace peregrine::engine {

struct CompiledRule {
  std::string name;        // as written: two tenants' rules may share a name
  std::string tenant;      // "" for cluster-wide rules; else the namespace it is confined to
  std::string desc;
  Priority priority = Priority::kDebug;
  std::vector<std::string> tags;
  bool enabled = true;
  ProgramPtr condition;
  OutputFormat output;
  EventTypeSet event_types;
};

// Falco's `rule_matching`: stop at the first matching rule per event (its default) or run all.
enum class RuleMatching : uint8_t { kFirst, kAll };

class SourceRuleset {
 public:
  SourceRuleset(const EventSource& source, std::unique_ptr<FieldTable> fields,
                std::vector<CompiledRule> rules);

  const EventSource& source() const { return source_; }
  const std::vector<CompiledRule>& rules() const { return rules_; }
  size_t enabled_rules() const;
  std::unique_ptr<EvalContext> new_context() const;

  // Evaluates the enabled rules that can match `event`, in definition order; calls
  // on_match(rule) for each match (only the first with RuleMatching::kFirst).
  template <typename F>
  void evaluate(EvalContext& ctx, const Event& event, RuleMatching matching, F&& on_match) const {
    ctx.begin(event);
    if (event.type < by_type_.size() || by_type_.empty()) {
      // Indexed: each rule's flat program, folded for the event types it is indexed under.
      const std::vector<uint32_t>& candidates = by_type_.empty() ? any_type_ : by_type_[event.type];
      for (uint32_t i : candidates) {
        if (flat_[i].eval(ctx)) {
          on_match(rules_[i]);
          if (matching == RuleMatching::kFirst) return;
        }
      }
      return;
    }
    // A type code outside the table (no rule is indexed under it): every enabled rule, unfolded.
    for (uint32_t i : any_type_) {
      if (rules_[i].condition->eval(ctx)) {
        on_match(rules_[i]);
        if (matching == RuleMatching::kFirst) return;
      }
    }
  }

  // The alert for `rule` matching the context's current event.
  Alert make_alert(const CompiledRule& rule, EvalContext& ctx, const std::string& hostname) const;

  // Event type codes some enabled rule needs (all when a rule has no restriction); what an
  // in-kernel filter should let through.
  std::vector<bool> needed_event_types() const;

 private:
  const EventSource& source_;
  std::unique_ptr<FieldTable> fields_;
  std::vector<CompiledRule> rules_;
  std::vector<FlatProgram> flat_;  // per rule: its condition, folded for its event types
  std::vector<std::vector<uint32_t>> by_type_;  // empty for sources without event types
  std::vector<uint32_t> any_type_;              // enabled rules, for untyped sources / codes
};

class Ruleset {
 public:
  explicit Ruleset(std::vector<std::unique_ptr<SourceRuleset>> sources);
  // nullptr when no loaded rule is for that source.
  const SourceRuleset* for_source(std::string_view name) const;
  const std::vector<std::unique_ptr<SourceRuleset>>& sources() const { return sources_; }
  size_t rule_count() const;

 private:
  std::vector<std::unique_ptr<SourceRuleset>> sources_;
};

}  // namespace peregrine::engine
