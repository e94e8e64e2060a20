#pragma once
// The event path: record -> state + SyscallEvent (EventBuilder) -> rules of the ruleset in
// force -> alerts, annotated when they may be incomplete -> AlertQueue (never waits).
//
// Reload safety: before each event the pipeline checks the RulesetHolder generation and, if
// it moved, switches to the new ruleset and a new EvalContext of it. The switch happens
// between two events, so every event is evaluated by exactly one ruleset.
// Not thread-safe: one thread runs a Pipeline.

#include <cstdint>
#include <memory>
#include <string>

#include "agent/events/event_builder.h"
#include "agent/runtime/alert_queue.h"
#include "agent/runtime/metrics.h"
#include "agent/runtime/ruleset_holder.h"
#include "engine/ruleset/ruleset.h"

namespace peregrine::agent {

struct PipelineOptions {
  std::string hostname;
  engine::RuleMatching matching = engine::RuleMatching::kFirst;
  engine::Priority minimum_priority = engine::Priority::kDebug;
};

class Pipeline {
 public:
  Pipeline(EventBuilder& builder, const RulesetHolder& rules, AlertQueue& alerts, Metrics& metrics,
           PipelineOptions options);

  void process(const driver::RawEventView& raw);
  // Drops known so far (kernel + user space); an alert carries how many happened since the
  // previous alert.
  void set_total_drops(uint64_t total) { total_drops_ = total; }
  uint64_t alerts() const { return alerts_; }

 private:
  void switch_ruleset_if_changed();

  EventBuilder& builder_;
  const RulesetHolder& rules_;
  AlertQueue& queue_;
  Metrics& metrics_;
  PipelineOptions options_;
  uint64_t generation_ = 0;
  std::shared_ptr<const engine::Ruleset> ruleset_;
  const engine::SourceRuleset* syscall_rules_ = nullptr;
  std::unique_ptr<engine::EvalContext> ctx_;
  uint64_t total_drops_ = 0;
  uint64_t drops_at_last_alert_ = 0;
  uint64_t alerts_ = 0;
};

}  // namespace peregrine::agent
