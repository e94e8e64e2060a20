#include "agent/runtime/pipeline.h"

namespace peregrine::agent {

Pipeline::Pipeline(EventBuilder& builder, const RulesetHolder& rules, AlertQueue& alerts, Metrics& metrics,
                   PipelineOptions options)
    : builder_(builder), rules_(rules), queue_(alerts), metrics_(metrics), options_(std::move(options)) {}

void Pipeline::switch_ruleset_if_changed() {
  uint64_t g = rules_.generation();
  if (g == generation_) return;
  RulesetInfo info = rules_.current();
  ctx_.reset();  // belongs to the old ruleset: goes before it
  ruleset_ = std::move(info.ruleset);
  generation_ = info.generation;
  syscall_rules_ = ruleset_ ? ruleset_->for_source("syscall") : nullptr;
  if (syscall_rules_) ctx_ = syscall_rules_->new_context();
}

void Pipeline::process(const driver::RawEventView& raw) {
  switch_ruleset_if_changed();
  const BuiltEvent& built = builder_.build(raw);
  metrics_.events.fetch_add(1, std::memory_order_relaxed);
  if (built.incomplete) metrics_.incomplete_events.fetch_add(1, std::memory_order_relaxed);
  if (syscall_rules_) {
    syscall_rules_->evaluate(*ctx_, built.event, options_.matching, [&](const engine::CompiledRule& rule) {
      if (rule.priority > options_.minimum_priority) return;  // less severe than the minimum
      engine::Alert alert = syscall_rules_->make_alert(rule, *ctx_, options_.hostname);
      // An alert must not be trusted blindly when the stream had holes or the event lacked
      // metadata: it says so in its fields.
      if (total_drops_ > drops_at_last_alert_) {
        alert.output_fields["peregrine.drops_since_last_alert"] = total_drops_ - drops_at_last_alert_;
      }
      drops_at_last_alert_ = total_drops_;
      if (built.incomplete) alert.output_fields["peregrine.incomplete"] = true;
      metrics_.count_alert(rule.name, rule.priority);
      ++alerts_;
      if (!queue_.push(std::move(alert))) metrics_.alerts_dropped.fetch_add(1, std::memory_order_relaxed);
    });
  }
  builder_.finish();
}

}  // namespace peregrine::agent
