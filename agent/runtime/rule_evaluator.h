#pragma once
// Evaluates one event with the ruleset it was built under and hands the alerts on, annotated
// when they may be incomplete. The pipeline runs one inline; with evaluation workers each
// worker thread runs its own (agent/runtime/eval_workers.h).
//
// Each RuleEvaluator keeps an EvalContext for the ruleset of the last event and switches when
// an event arrives with another one, so every event is evaluated by exactly the ruleset that
// travels with it. One thread per RuleEvaluator; the SharedAlertState may be shared by many.

#include <atomic>
#include <cstdint>
#include <memory>

#include "agent/runtime/alert_output.h"
#include "agent/runtime/metrics.h"
#include "agent/runtime/pipeline_options.h"
#include "engine/ruleset/ruleset.h"
#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

// Shared by the evaluators of one pipeline. Thread-safe.
struct SharedAlertState {
  // Drops (kernel + user space) already reported by some alert: each later alert carries how
  // many happened since, so every hole in the stream is announced once.
  std::atomic<uint64_t> drops_reported{0};
  std::atomic<uint64_t> alerts{0};
};

class RuleEvaluator {
 public:
  RuleEvaluator(AlertOutput& out, Metrics& metrics, const PipelineOptions& options, SharedAlertState& shared);

  // `total_drops`: drops known when the event was built.
  void evaluate(const std::shared_ptr<const engine::Ruleset>& ruleset, const engine::SyscallEvent& event,
                bool incomplete, uint64_t total_drops);

 private:
  void switch_to(const std::shared_ptr<const engine::Ruleset>& ruleset);

  AlertOutput& out_;
  Metrics& metrics_;
  const PipelineOptions& options_;
  SharedAlertState& shared_;
  std::shared_ptr<const engine::Ruleset> ruleset_;
  const engine::SourceRuleset* syscall_rules_ = nullptr;
  std::unique_ptr<engine::EvalContext> ctx_;
};

}  // namespace peregrine::agent
