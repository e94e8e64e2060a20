#pragma once
// The event path: record -> state + SyscallEvent (EventBuilder) -> rules of the ruleset in
// force -> alerts, annotated when they may be incomplete -> AlertOutput (never waits).
//
// Rules run inline on the calling thread, or, given EvalWorkers, on its worker threads: the
// state stays in event order here, and each event the rules can match leaves as an owned
// snapshot partitioned by thread group id (per-process order is kept).
//
// Reload safety: before each event the pipeline checks the RulesetHolder generation and, if
// it moved, switches to the new ruleset between two events. The ruleset travels with each
// event (to the inline evaluator or a worker), so every event is evaluated by exactly one.
// Not thread-safe: one thread runs a Pipeline.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/events/event_builder.h"
#include "agent/runtime/alert_output.h"
#include "agent/runtime/eval_workers.h"
#include "agent/runtime/metrics.h"
#include "agent/runtime/pipeline_options.h"
#include "agent/runtime/rule_evaluator.h"
#include "agent/runtime/ruleset_holder.h"
#include "engine/ruleset/ruleset.h"

namespace peregrine::agent {

class Pipeline {
 public:
  // `workers` (may be null: evaluate inline) must outlive the pipeline.
  Pipeline(EventBuilder& builder, const RulesetHolder& rules, AlertOutput& alerts, Metrics& metrics,
           PipelineOptions options, EvalWorkers* workers = nullptr);

  void process(const driver::RawEventView& raw);
  // Drops known so far (kernel + user space); an alert carries how many happened since the
  // previous alert.
  void set_total_drops(uint64_t total) { total_drops_ = total; }
  uint64_t alerts() const { return shared_.alerts.load() + (workers_ ? workers_->alerts() : 0); }

 private:
  void switch_ruleset_if_changed();

  EventBuilder& builder_;
  const RulesetHolder& rules_;
  Metrics& metrics_;
  const PipelineOptions options_;
  EvalWorkers* workers_;
  SharedAlertState shared_;
  RuleEvaluator inline_;
  uint64_t generation_ = 0;
  std::shared_ptr<const engine::Ruleset> ruleset_;
  std::vector<bool> needed_types_;  // of ruleset_: events no rule needs are not snapshotted
  bool has_syscall_rules_ = false;
  uint64_t total_drops_ = 0;
};

}  // namespace peregrine::agent
