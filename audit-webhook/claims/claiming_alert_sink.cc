#include "audit-webhook/claims/claiming_alert_sink.h"

#include <utility>

namespace peregrine::audit {
namespace {

uint64_t read(const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); }

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void counter(std::string& out, const char* name, const char* help, uint64_t value) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " +
         std::to_string(value) + "\n";
}

}  // namespace

ClaimingAlertSink::ClaimingAlertSink(AlertSink& next, ClaimStore& store, ClaimingOptions options)
    : next_(next), store_(store), options_(std::move(options)) {
  size_t n = options_.workers == 0 ? 1 : options_.workers;
  for (size_t i = 0; i < n; ++i) workers_.emplace_back([this] { work(); });
  if (options_.sweep_interval.count() > 0)
    janitor_ = std::make_unique<ClaimJanitor>(store_, options_.sweep_interval, options_.log);
}

ClaimingAlertSink::~ClaimingAlertSink() {
  if (!shut_down_.load()) shutdown(std::chrono::milliseconds(0));
}

void ClaimingAlertSink::emit(const engine::Alert& alert) {
  ++no_origin_;
  next_.emit(alert);
}

void ClaimingAlertSink::emit_from(const AlertOrigin& origin, const engine::Alert& alert) {
  {
    std::lock_guard lock(mu_);
    if (!closing_ && queue_.size() < options_.queue_capacity) {
      queue_.push_back({ClaimKey{std::string(origin.audit_id), std::string(origin.stage), alert.rule}, alert});
      wake_.notify_one();
      return;
    }
  }
  // Forwarded without a claim: a possible duplicate is better than a lost alert, and the
  // wrapped sinks do not block (the outputs dispatcher queues; a line sink writes one line).
  if (shut_down_.load()) {
    next_.emit(alert);
    return;
  }
  ++queue_full_;
  next_.emit(alert);
}

void ClaimingAlertSink::work() {
  for (;;) {
    Pending item;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and drained
      item = std::move(queue_.front());
      queue_.pop_front();
      if (queue_.empty()) wake_.notify_all();  // shutdown() waits for the queue to drain
    }
    if (skip_claims_.load()) {
      ++shutdown_;
      next_.emit(item.alert);
      continue;
    }
    ClaimResult result = store_.claim(item.key);
    switch (result.outcome) {
      case ClaimOutcome::kWon:
        ++won_;
        next_.emit(item.alert);
        break;
      case ClaimOutcome::kTaken:
        ++lost_;
        break;
      case ClaimOutcome::kFailed:
        ++errors_;
        note_failure(result.error);
        next_.emit(item.alert);
        break;
    }
  }
}

void ClaimingAlertSink::note_failure(const std::string& error) {
  if (!options_.log) return;
  // At most one line every 10 s: when the API is down every alert fails the same way.
  int64_t now = steady_ns();
  int64_t last = last_failure_log_ns_.load();
  if (last != 0 && now - last < 10'000'000'000) return;
  if (!last_failure_log_ns_.compare_exchange_strong(last, now)) return;
  options_.log("alert claim failed, raising the alert unclaimed (" + std::to_string(read(errors_)) +
               " so far): " + error);
}

void ClaimingAlertSink::shutdown(std::chrono::milliseconds grace) {
  if (shut_down_.exchange(true)) return;
  {
    std::unique_lock lock(mu_);
    closing_ = true;
    wake_.notify_all();
    if (!wake_.wait_for(lock, grace, [this] { return queue_.empty(); })) skip_claims_ = true;
  }
  for (auto& t : workers_)
    if (t.joinable()) t.join();
  workers_.clear();
  if (janitor_) janitor_->stop();
}

ClaimCounters ClaimingAlertSink::counters() const {
  return {read(won_), read(lost_), read(errors_), read(queue_full_), read(no_origin_), read(shutdown_)};
}

size_t ClaimingAlertSink::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

std::string ClaimingAlertSink::metrics_text() const {
  std::string out;
  const char* claims = "peregrine_audit_claims_total";
  out += std::string("# HELP ") + claims +
         " Alert claims across replicas by result: won (raised here), lost (another replica or an "
         "earlier attempt raised it: duplicate suppressed), error (no verdict: raised unclaimed).\n" +
         "# TYPE " + claims + " counter\n";
  out += std::string(claims) + "{result=\"won\"} " + std::to_string(read(won_)) + "\n";
  out += std::string(claims) + "{result=\"lost\"} " + std::to_string(read(lost_)) + "\n";
  out += std::string(claims) + "{result=\"error\"} " + std::to_string(read(errors_)) + "\n";
  const char* unclaimed = "peregrine_audit_claims_skipped_total";
  out += std::string("# HELP ") + unclaimed +
         " Alerts raised without trying a claim, by reason: queue_full (claims fell behind), no_origin, "
         "shutdown.\n# TYPE " + unclaimed + " counter\n";
  out += std::string(unclaimed) + "{reason=\"queue_full\"} " + std::to_string(read(queue_full_)) + "\n";
  out += std::string(unclaimed) + "{reason=\"no_origin\"} " + std::to_string(read(no_origin_)) + "\n";
  out += std::string(unclaimed) + "{reason=\"shutdown\"} " + std::to_string(read(shutdown_)) + "\n";
  out += "# HELP peregrine_audit_claim_queue_depth Alerts waiting for their claim.\n"
         "# TYPE peregrine_audit_claim_queue_depth gauge\nperegrine_audit_claim_queue_depth " +
         std::to_string(queued()) + "\n";
  if (janitor_) {
    counter(out, "peregrine_audit_claim_sweeps_total", "Janitor passes over the claims.", janitor_->passes());
    counter(out, "peregrine_audit_claims_deleted_total", "Claims the janitor deleted after the retention.",
            janitor_->deleted());
    counter(out, "peregrine_audit_claim_sweep_errors_total", "Failed janitor lists and deletes.",
            janitor_->errors());
  }
  out += next_.metrics_text();
  return out;
}

}  // namespace peregrine::audit
