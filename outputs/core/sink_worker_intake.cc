// SinkWorker's loop for an aggregating sink (see alert_intake.h): the intake decides when
// writes are due; the worker only gives it a thread, wakes it for shutdown, and accounts.

#include <algorithm>

#include "outputs/core/sink_worker.h"

namespace peregrine::outputs {
namespace {
using SteadyClock = std::chrono::steady_clock;
constexpr auto kRelaxed = std::memory_order_relaxed;
// Upper bound on one sleep, so a missed wake-up costs at most this much.
constexpr std::chrono::milliseconds kMaxSleep{100};
}  // namespace

void SinkWorker::run_intake() {
  for (;;) {
    bool stopping;
    SteadyClock::time_point deadline;
    {
      std::lock_guard lock(stop_mu_);
      stopping = stopping_;
      deadline = deadline_;
    }
    auto started = SteadyClock::now();
    AlertIntake::Flushed f = intake_->flush(stopping);
    if (f.written > 0) metrics_.observe_latency(SteadyClock::now() - started);
    metrics_.sent.fetch_add(f.written, kRelaxed);
    if (f.rejected > 0) metrics_.add_dropped(DropReason::kRetriesExhausted, f.rejected);
    metrics_.queue_depth.store(f.pending, kRelaxed);
    if (stopping && (f.pending == 0 || SteadyClock::now() >= deadline)) {
      // What the deadline left unwritten is lost with the process: say so.
      metrics_.add_dropped(DropReason::kShutdown, f.pending);
      metrics_.queue_depth.store(0, kRelaxed);
      return;
    }
    std::unique_lock lock(stop_mu_);
    auto wake = std::min(f.next, SteadyClock::now() + kMaxSleep);
    if (stopping_) wake = std::min(wake, deadline_);
    // Woken early by shutdown(), which notifies stop_cv_ after setting stopping_.
    stop_cv_.wait_until(lock, wake, [&] { return stopping_ && !stopping; });
  }
}

}  // namespace peregrine::outputs
