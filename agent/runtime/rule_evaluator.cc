#include "agent/runtime/rule_evaluator.h"

namespace peregrine::agent {

RuleEvaluator::RuleEvaluator(AlertOutput& out, Metrics& metrics, const PipelineOptions& options,
                             SharedAlertState& shared)
    : out_(out), metrics_(metrics), options_(options), shared_(shared) {}

void RuleEvaluator::switch_to(const std::shared_ptr<const engine::Ruleset>& ruleset) {
  ctx_.reset();  // belongs to the old ruleset: goes before it
  ruleset_ = ruleset;
  syscall_rules_ = ruleset_ ? ruleset_->for_source("syscall") : nullptr;
  if (syscall_rules_) ctx_ = syscall_rules_->new_context();
}

void RuleEvaluator::evaluate(const std::shared_ptr<const engine::Ruleset>& ruleset,
                             const engine::SyscallEvent& event, bool incomplete, uint64_t total_drops) {
  if (ruleset != ruleset_) switch_to(ruleset);
  if (!syscall_rules_) return;
  syscall_rules_->evaluate(*ctx_, event, options_.matching, [&](const engine::CompiledRule& rule) {
    if (rule.priority > options_.minimum_priority) return;  // less severe than the minimum
    engine::Alert alert = syscall_rules_->make_alert(rule, *ctx_, options_.hostname);
    // An alert must not be trusted blindly when the stream had holes or the event lacked
    // metadata: it says so in its fields. Raising drops_reported to total_drops claims the
    // drops in between for this alert only, whichever worker gets there first.
    uint64_t reported = shared_.drops_reported.load();
    while (reported < total_drops && !shared_.drops_reported.compare_exchange_weak(reported, total_drops)) {
    }
    if (total_drops > reported) alert.output_fields["peregrine.drops_since_last_alert"] = total_drops - reported;
    if (incomplete) alert.output_fields["peregrine.incomplete"] = true;
    metrics_.count_alert(rule.name, rule.priority);
    shared_.alerts.fetch_add(1, std::memory_order_relaxed);
    if (!out_.push(std::move(alert))) metrics_.alerts_dropped.fetch_add(1, std::memory_order_relaxed);
  });
}

}  // namespace peregrine::agent
