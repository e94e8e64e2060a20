#include "audit-webhook/evaluation_pool.h"

#include <memory>
#include <utility>

namespace peregrine::audit {

EvaluationPool::EvaluationPool(EventQueue& queue, const RulesetHolder& rules, AlertSink& sink,
                               WebhookMetrics& metrics, std::string hostname,
                               EvaluationOptions options)
    : queue_(queue),
      rules_(rules),
      sink_(sink),
      metrics_(metrics),
      hostname_(std::move(hostname)),
      options_(options) {}

EvaluationPool::~EvaluationPool() { join(); }

void EvaluationPool::start() {
  size_t n = options_.threads == 0 ? 1 : options_.threads;
  for (size_t i = 0; i < n; ++i) threads_.emplace_back([this] { run(); });
}

void EvaluationPool::join() {
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

void EvaluationPool::run() {
  // Declared in this order so the context, which points into the ruleset, goes first.
  std::shared_ptr<const engine::Ruleset> ruleset;
  const engine::SourceRuleset* rules = nullptr;
  std::unique_ptr<engine::EvalContext> ctx;
  uint64_t generation = ~uint64_t{0};

  std::vector<engine::AuditEvent> batch;
  batch.reserve(options_.batch);
  while (queue_.pop_some(batch, options_.batch)) {
    if (uint64_t g = rules_.generation(); g != generation) {
      ctx.reset();
      ruleset = rules_.get();
      rules = ruleset ? ruleset->for_source("k8s_audit") : nullptr;
      if (rules) ctx = rules->new_context();
      generation = g;
    }
    uint64_t alerts = 0;
    if (rules) {
      for (const engine::AuditEvent& ev : batch) {
        const AlertOrigin origin{ev.audit_id(), ev.stage()};
        rules->evaluate(*ctx, ev, options_.matching, [&](const engine::CompiledRule& rule) {
          sink_.emit_from(origin, rules->make_alert(rule, *ctx, hostname_));
          ++alerts;
        });
      }
    }
    WebhookMetrics::bump(metrics_.events_evaluated, batch.size());
    WebhookMetrics::bump(metrics_.alerts, alerts);
    batch.clear();
  }
}

}  // namespace peregrine::audit
