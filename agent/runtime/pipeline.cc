#include "agent/runtime/pipeline.h"

namespace peregrine::agent {

Pipeline::Pipeline(EventBuilder& builder, const RulesetHolder& rules, AlertOutput& alerts, Metrics& metrics,
                   PipelineOptions options, EvalWorkers* workers)
    : builder_(builder),
      rules_(rules),
      metrics_(metrics),
      options_(std::move(options)),
      workers_(workers),
      inline_(alerts, metrics, options_, shared_) {}

void Pipeline::switch_ruleset_if_changed() {
  uint64_t g = rules_.generation();
  if (g == generation_) return;
  RulesetInfo info = rules_.current();
  ruleset_ = std::move(info.ruleset);
  generation_ = info.generation;
  const engine::SourceRuleset* syscall = ruleset_ ? ruleset_->for_source("syscall") : nullptr;
  has_syscall_rules_ = syscall != nullptr;
  needed_types_ = syscall ? syscall->needed_event_types() : std::vector<bool>{};
}

void Pipeline::process(const driver::RawEventView& raw) {
  switch_ruleset_if_changed();
  const BuiltEvent& built = builder_.build(raw);
  metrics_.events.fetch_add(1, std::memory_order_relaxed);
  if (built.incomplete) metrics_.incomplete_events.fetch_add(1, std::memory_order_relaxed);
  if (has_syscall_rules_) {
    const engine::SyscallEvent& e = built.event;
    if (!workers_) {
      inline_.evaluate(ruleset_, e, built.incomplete, total_drops_);
    } else if (e.type >= needed_types_.size() || needed_types_[e.type]) {
      // Copying costs the capture thread more than the index lookup, so only events some rule
      // may match leave. Partitioned by thread group: a process's alerts stay in order.
      uint64_t partition = static_cast<uint64_t>(e.thread ? e.thread->pid : -1);
      (void)workers_->submit(partition, EvalJob{std::make_unique<EventSnapshot>(e), ruleset_, built.incomplete,
                                                total_drops_});  // a full queue is counted there
    }
  }
  builder_.finish();
}

}  // namespace peregrine::agent
