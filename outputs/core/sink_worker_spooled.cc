// SinkWorker's delivery loop when the sink has an on-disk spool (see sink_worker.h).

#include <algorithm>

#include "outputs/core/sink_worker.h"

namespace peregrine::outputs {
namespace {
using SteadyClock = std::chrono::steady_clock;
constexpr auto kRelaxed = std::memory_order_relaxed;
constexpr std::chrono::milliseconds kIdlePoll{100};
}  // namespace

Status SinkWorker::spool_queued(std::vector<AlertPtr>& alerts) {
  std::vector<Record> batch;
  batch.reserve(alerts.size());
  for (const auto& a : alerts) batch.push_back(renderer_.render(*a));
  alerts.clear();
  auto fitted = spool_->append(batch);
  size_t kept = fitted.ok() ? *fitted : 0;
  if (kept < batch.size()) metrics_.add_dropped(DropReason::kSpoolFull, batch.size() - kept);
  metrics_.spool_pending.store(spool_->pending(), kRelaxed);
  if (!fitted.ok()) return fitted.error();
  return {};
}

void SinkWorker::run_spooled() {
  std::vector<AlertPtr> alerts;
  const size_t max_batch = std::max<size_t>(1, std::min(policy_.max_batch, sink_->max_batch()));
  auto next_attempt = SteadyClock::now();
  bool retrying = false;
  for (;;) {
    if (reopen_requested_.exchange(false)) sink_->reopen();
    // Move everything queued to disk first: from here on it survives a restart.
    bool stopping;
    SteadyClock::time_point deadline;
    {
      std::lock_guard lock(stop_mu_);
      stopping = stopping_;
      deadline = deadline_;
    }
    auto now = SteadyClock::now();
    bool can_attempt = spool_->pending() > 0 && now >= next_attempt && breaker_.allow();
    auto wait = can_attempt ? std::chrono::milliseconds(0) : kIdlePoll;
    if (spool_->pending() > 0 && !can_attempt && now < next_attempt)
      wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(next_attempt - now) +
                                std::chrono::milliseconds(1));
    size_t n = queue_.pop_batch(alerts, queue_.capacity(), wait);
    metrics_.queue_depth.fetch_sub(n, kRelaxed);
    if (n > 0) {
      if (auto st = spool_queued(alerts); !st) {
        std::lock_guard lock(error_mu_);
        last_error_ = st.error().message;
      }
      continue;  // drain the queue completely before spending time on the sink
    }
    if (stopping && (spool_->pending() == 0 || SteadyClock::now() >= deadline)) {
      // The queue is closed and empty; what the sink did not take stays on disk.
      return;
    }
    if (!can_attempt) continue;
    auto batch = spool_->peek(max_batch);
    if (!batch.ok() || batch->empty()) {
      if (!batch.ok()) {
        std::lock_guard lock(error_mu_);
        last_error_ = batch.error().message;
      }
      next_attempt = SteadyClock::now() + kIdlePoll;
      continue;
    }
    if (retrying) metrics_.retried.fetch_add(1, kRelaxed);
    auto started = SteadyClock::now();
    Status status = sink_->deliver(*batch);
    metrics_.observe_latency(SteadyClock::now() - started);
    if (status.ok()) {
      breaker_.record_success();
      backoff_->reset();
      retrying = false;
      metrics_.sent.fetch_add(batch->size(), kRelaxed);
      if (auto st = spool_->commit(batch->size()); !st) {
        std::lock_guard lock(error_mu_);
        last_error_ = st.error().message;
      }
      metrics_.spool_pending.store(spool_->pending(), kRelaxed);
      continue;
    }
    // The spool's head is retried until the sink takes it: that is what the spool is for.
    metrics_.failed.fetch_add(1, kRelaxed);
    breaker_.record_failure();
    retrying = true;
    {
      std::lock_guard lock(error_mu_);
      last_error_ = status.error().message;
    }
    next_attempt = SteadyClock::now() + backoff_->next_backoff();
  }
}

}  // namespace peregrine::outputs
