#pragma once
// The evaluation threads: they take audit events off the EventQueue, run the live k8s_audit
// rules on them and hand each alert to the AlertSink. Each thread owns its evaluation context
// (the engine's contract) and rebuilds it when the ruleset is swapped.
//
// Lifetime: start() once; after the queue is closed, join() returns when every queued event
// has been evaluated. The destructor closes nothing and joins: close the queue first.

#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "audit-webhook/alert_sink.h"
#include "audit-webhook/event_queue.h"
#include "audit-webhook/ruleset_holder.h"
#include "audit-webhook/webhook_metrics.h"
#include "engine/ruleset/ruleset.h"

namespace peregrine::audit {

struct EvaluationOptions {
  size_t threads = 1;
  engine::RuleMatching matching = engine::RuleMatching::kFirst;
  size_t batch = 256;  // events taken off the queue at once
};

class EvaluationPool {
 public:
  // Every reference is borrowed and must outlive the pool.
  EvaluationPool(EventQueue& queue, const RulesetHolder& rules, AlertSink& sink,
                 WebhookMetrics& metrics, std::string hostname, EvaluationOptions options);
  ~EvaluationPool();

  EvaluationPool(const EvaluationPool&) = delete;
  EvaluationPool& operator=(const EvaluationPool&) = delete;

  void start();
  void join();

 private:
  void run();

  EventQueue& queue_;
  const RulesetHolder& rules_;
  AlertSink& sink_;
  WebhookMetrics& metrics_;
  std::string hostname_;
  EvaluationOptions options_;
  std::vector<std::thread> threads_;
};

}  // namespace peregrine::audit
