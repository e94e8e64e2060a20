#pragma once
// The side door of a sink that aggregates instead of delivering one alert at a time (the
// `falcoalert` sink). Its SinkWorker hands every admitted alert straight to take() on the
// caller's thread, bypassing the bounded queue and the renderer: folding an alert into a
// counter is cheaper than queueing it, and a storm that would overflow a queue still ends with
// the exact count. The worker's thread then calls flush() to write what is due.
//
// Thread-safety: take() and collect() from any thread, concurrently; flush() from the worker's
// thread only. take() never waits on I/O.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/output/alert.h"
#include "outputs/core/sink_metrics.h"

namespace peregrine::outputs {

class AlertIntake {
 public:
  struct Flushed {
    uint64_t written = 0;  // events whose counts reached the destination in this call
    uint64_t rejected = 0; // events the destination refused for good (dropped)
    uint64_t pending = 0;  // events still waiting to be written after it
    std::chrono::steady_clock::time_point next;  // when flush() has more to do
  };

  virtual ~AlertIntake() = default;

  // Folds the alert in. False when it could not be kept (a counted drop: the aggregate is at
  // its memory bound).
  virtual bool take(const std::shared_ptr<const engine::Alert>& alert) = 0;
  // Writes what is due now. `draining`: the process is stopping, write everything pending as
  // fast as the destination allows.
  virtual Flushed flush(bool draining) = 0;
  // The sink's own metric families (besides the SinkMetrics every worker keeps).
  virtual void collect(const std::string& name, const std::string& type,
                       MetricFamilies& families) const = 0;
};

}  // namespace peregrine::outputs
