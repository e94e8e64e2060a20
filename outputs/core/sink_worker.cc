#include "outputs/core/sink_worker.h"

#include <algorithm>

namespace peregrine::outputs {
namespace {
using SteadyClock = std::chrono::steady_clock;
constexpr auto kRelaxed = std::memory_order_relaxed;
// How long an idle worker sleeps before looking at reopen requests again.
constexpr std::chrono::milliseconds kIdlePoll{100};
}  // namespace

SinkWorker::SinkWorker(std::string name, std::string type, std::unique_ptr<Sink> sink,
                       AlertFilter filter, Renderer renderer, DeliveryPolicy policy,
                       std::unique_ptr<BackoffStrategy> backoff, Clock clock,
                       std::unique_ptr<Spool> spool)
    : name_(std::move(name)),
      type_(std::move(type)),
      sink_(std::move(sink)),
      filter_(std::move(filter)),
      renderer_(std::move(renderer)),
      policy_(policy),
      backoff_(std::move(backoff)),
      clock_(clock),
      breaker_(policy.breaker_failure_threshold, policy.breaker_open_for, clock),
      queue_(policy.queue_capacity),
      spool_(std::move(spool)) {
  if (spool_) metrics_.spool_pending.store(spool_->pending());
  intake_ = sink_->intake();
}

SinkWorker::~SinkWorker() { shutdown(SteadyClock::now()); }

void SinkWorker::start() { thread_ = std::thread([this] { run(); }); }

bool SinkWorker::enqueue(const AlertPtr& alert) {
  metrics_.produced.fetch_add(1, kRelaxed);
  if (intake_) {
    bool kept = !intake_closed_.load(std::memory_order_acquire) && intake_->take(alert);
    if (!kept)
      metrics_.add_dropped(intake_closed_.load(kRelaxed) ? DropReason::kShutdown : DropReason::kQueueFull, 1);
    return kept;
  }
  switch (queue_.try_push(alert)) {
    case BoundedQueue<AlertPtr>::Push::kOk:
      metrics_.queue_depth.fetch_add(1, kRelaxed);
      return true;
    case BoundedQueue<AlertPtr>::Push::kFull:
      metrics_.add_dropped(DropReason::kQueueFull, 1);
      return false;
    case BoundedQueue<AlertPtr>::Push::kClosed:
      metrics_.add_dropped(DropReason::kShutdown, 1);
      return false;
  }
  return false;
}

void SinkWorker::request_reopen() {
  reopen_requested_.store(true);
  queue_.wake();
}

void SinkWorker::shutdown(SteadyClock::time_point deadline) {
  queue_.close();
  intake_closed_.store(true, std::memory_order_release);
  {
    std::lock_guard lock(stop_mu_);
    if (!stopping_) {
      stopping_ = true;
      deadline_ = deadline;
    }
  }
  stop_cv_.notify_all();
  queue_.wake();
  if (thread_.joinable()) thread_.join();
  // Never started, or stopped past the deadline with alerts still queued.
  drop_queued(DropReason::kShutdown);
}

void SinkWorker::drop_queued(DropReason reason) {
  std::vector<AlertPtr> rest;
  while (queue_.pop_batch(rest, queue_.capacity(), std::chrono::milliseconds(0)) > 0) {}
  metrics_.queue_depth.fetch_sub(rest.size(), kRelaxed);
  metrics_.add_dropped(reason, rest.size());
}

bool SinkWorker::past_deadline() {
  std::lock_guard lock(stop_mu_);
  return stopping_ && SteadyClock::now() >= deadline_;
}

bool SinkWorker::wait_until(SteadyClock::time_point until) {
  std::unique_lock lock(stop_mu_);
  for (;;) {
    auto now = SteadyClock::now();
    if (stopping_ && now >= deadline_) return false;
    if (now >= until) return true;
    auto wake_at = stopping_ ? std::min(until, deadline_) : until;
    stop_cv_.wait_until(lock, wake_at);
  }
}

void SinkWorker::run() {
  if (intake_) return run_intake();
  if (spool_) return run_spooled();
  std::vector<AlertPtr> alerts;
  std::vector<Record> batch;
  const size_t max_batch = std::max<size_t>(1, std::min(policy_.max_batch, sink_->max_batch()));
  for (;;) {
    if (reopen_requested_.exchange(false)) sink_->reopen();
    alerts.clear();
    size_t n = queue_.pop_batch(alerts, max_batch, kIdlePoll);
    metrics_.queue_depth.fetch_sub(n, kRelaxed);
    if (n == 0) {
      std::lock_guard lock(stop_mu_);
      // The queue is closed before stopping_ is set, so empty and stopping means done.
      if (stopping_) return;
      continue;
    }
    if (past_deadline()) {
      // Out of time: count the rest without paying to render it.
      metrics_.add_dropped(DropReason::kShutdown, n);
      continue;
    }
    batch.clear();
    for (const auto& a : alerts) batch.push_back(renderer_.render(*a));
    deliver_with_retries(batch);
  }
}

void SinkWorker::deliver_with_retries(std::vector<Record>& batch) {
  const uint64_t n = batch.size();
  uint32_t attempt = 0;
  for (;;) {
    if (past_deadline()) {
      metrics_.add_dropped(DropReason::kShutdown, n);
      return;
    }
    if (!breaker_.allow()) {
      // The breaker keeps its own clock (injectable); turn its remaining time into a real wait.
      auto remaining = breaker_.retry_at() - clock_();
      if (!wait_until(SteadyClock::now() +
                      std::chrono::duration_cast<SteadyClock::duration>(remaining))) {
        metrics_.add_dropped(DropReason::kShutdown, n);
        return;
      }
      continue;
    }
    if (attempt > 0) metrics_.retried.fetch_add(1, kRelaxed);
    auto started = SteadyClock::now();
    Status status = sink_->deliver(batch);
    metrics_.observe_latency(SteadyClock::now() - started);
    if (status.ok()) {
      breaker_.record_success();
      backoff_->reset();
      metrics_.sent.fetch_add(n, kRelaxed);
      return;
    }
    metrics_.failed.fetch_add(1, kRelaxed);
    breaker_.record_failure();
    {
      std::lock_guard lock(error_mu_);
      last_error_ = status.error().message;
    }
    if (attempt >= policy_.max_retries) {
      metrics_.add_dropped(DropReason::kRetriesExhausted, n);
      return;
    }
    ++attempt;
    if (!wait_until(SteadyClock::now() + backoff_->next_backoff())) {
      metrics_.add_dropped(DropReason::kShutdown, n);
      return;
    }
  }
}

void SinkWorker::collect_metrics(MetricFamilies& families) const {
  metrics_.collect(name_, type_, families);
  if (intake_) intake_->collect(name_, type_, families);
}

std::string SinkWorker::last_error() const {
  std::lock_guard lock(error_mu_);
  return last_error_;
}

}  // namespace peregrine::outputs
