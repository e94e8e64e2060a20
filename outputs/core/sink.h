#pragma once
// The one interface every alert destination implements. A sink is owned by exactly one
// SinkWorker and only ever called from that worker's thread, so implementations need no locks.
// deliver() must return within a bounded time (each sink takes a request timeout) and report
// failure as a value; the worker decides about retries, the circuit breaker and drops.

#include <cstddef>
#include <span>
#include <string_view>

#include "common/result.h"
#include "outputs/core/alert_intake.h"
#include "outputs/core/record.h"

namespace peregrine::outputs {

class Sink {
 public:
  virtual ~Sink() = default;

  // Largest batch deliver() accepts; 1 for APIs that take one alert per request.
  virtual size_t max_batch() const = 0;
  // Delivers every record of the batch, or fails as a whole (the batch is then retried whole,
  // so a sink that can half-succeed delivers at least once, never at most once).
  virtual Status deliver(std::span<const Record> batch) = 0;
  // Drops connections and reopens files, e.g. after logrotate (SIGHUP). Default: nothing.
  virtual void reopen() {}
  // Non-null for a sink that aggregates on the caller's thread instead of taking queued batches
  // (see alert_intake.h); its worker then never calls deliver().
  virtual AlertIntake* intake() { return nullptr; }
};

}  // namespace peregrine::outputs
