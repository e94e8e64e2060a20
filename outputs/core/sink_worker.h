#pragma once
// One sink's delivery: a bounded queue fed by the event path and a thread that renders,
// batches, delivers, retries with backoff and respects a circuit breaker. Every alert offered
// to enqueue() ends as exactly one of: sent, or dropped with a counted reason, or (with a
// spool) left on disk for the next start.
//
// Thread-safety: enqueue(), request_reopen() and metrics() may be called from any thread;
// start() and shutdown() from the owner only, once each.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/output/alert.h"
#include "outputs/core/alert_filter.h"
#include "outputs/core/backoff_strategy.h"
#include "outputs/core/bounded_queue.h"
#include "outputs/core/circuit_breaker.h"
#include "outputs/core/delivery_policy.h"
#include "outputs/core/renderer.h"
#include "outputs/core/sink.h"
#include "outputs/core/sink_metrics.h"
#include "outputs/core/spool.h"

namespace peregrine::outputs {

class SinkWorker {
 public:
  using AlertPtr = std::shared_ptr<const engine::Alert>;

  SinkWorker(std::string name, std::string type, std::unique_ptr<Sink> sink, AlertFilter filter,
             Renderer renderer, DeliveryPolicy policy, std::unique_ptr<BackoffStrategy> backoff,
             Clock clock, std::unique_ptr<Spool> spool = nullptr);
  ~SinkWorker();  // shuts down with an immediate deadline if the owner did not
  SinkWorker(const SinkWorker&) = delete;
  SinkWorker& operator=(const SinkWorker&) = delete;

  void start();
  // Never waits: a full or closed queue is a counted drop. Returns whether it was queued.
  // Alerts the filter rejects are neither queued nor counted.
  bool enqueue(const AlertPtr& alert);
  bool admits(const engine::Alert& alert) const { return filter_.admits(alert); }
  // Asks the worker to call Sink::reopen() before its next delivery.
  void request_reopen();
  // Stops taking alerts, delivers what is queued until `deadline`, drops (and counts) the rest,
  // and joins the thread.
  void shutdown(std::chrono::steady_clock::time_point deadline);

  const std::string& name() const { return name_; }
  const std::string& type() const { return type_; }
  const SinkMetrics& metrics() const { return metrics_; }
  // The SinkMetrics samples plus those of an aggregating sink's intake.
  void collect_metrics(MetricFamilies& families) const;
  // The message of the most recent failed delivery attempt, for diagnostics; "" if none.
  std::string last_error() const;

 private:
  void run();
  // With a spool: queue → spool (at once, so alerts survive a restart) → sink, retrying the
  // spool's head until it is delivered; nothing is dropped for retries or at shutdown, what is
  // left stays on disk for the next start. Defined in sink_worker_spooled.cc.
  void run_spooled();
  Status spool_queued(std::vector<AlertPtr>& alerts);
  // For a sink with an AlertIntake: no queue; flush on the intake's schedule, drain at
  // shutdown until the deadline and count what is left. Defined in sink_worker_intake.cc.
  void run_intake();
  void deliver_with_retries(std::vector<Record>& batch);
  // Sleeps until `until`, or less if shutdown's deadline comes first. False when the deadline
  // has passed (the caller gives up).
  bool wait_until(std::chrono::steady_clock::time_point until);
  bool past_deadline();
  void drop_queued(DropReason reason);

  const std::string name_;
  const std::string type_;
  std::unique_ptr<Sink> sink_;
  const AlertFilter filter_;
  const Renderer renderer_;
  const DeliveryPolicy policy_;
  std::unique_ptr<BackoffStrategy> backoff_;
  Clock clock_;
  CircuitBreaker breaker_;
  BoundedQueue<AlertPtr> queue_;
  SinkMetrics metrics_;
  std::unique_ptr<Spool> spool_;
  AlertIntake* intake_ = nullptr;  // owned by sink_
  std::atomic<bool> intake_closed_{false};

  std::thread thread_;
  std::atomic<bool> reopen_requested_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::chrono::steady_clock::time_point deadline_{};  // guarded by stop_mu_
  mutable std::mutex error_mu_;
  std::string last_error_;  // guarded by error_mu_
};

}  // namespace peregrine::outputs
