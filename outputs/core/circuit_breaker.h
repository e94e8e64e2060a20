#pragma once
// Stops hammering a dead sink. Closed: every attempt goes through. After `failure_threshold`
// consecutive failures it opens for `open_for`: no attempt is made, so the worker waits instead
// of burning retries. Then half-open: one probe attempt; success closes it, failure reopens it.
// Not thread-safe: owned by one worker.

#include <chrono>
#include <cstdint>

#include "outputs/core/clock.h"

namespace peregrine::outputs {

class CircuitBreaker {
 public:
  enum class State { kClosed, kOpen, kHalfOpen };

  CircuitBreaker(uint32_t failure_threshold, std::chrono::milliseconds open_for, Clock clock);

  // True when an attempt may be made now (moves open → half-open once open_for has passed).
  bool allow();
  void record_success();
  void record_failure();

  State state() const { return state_; }
  // When an open breaker will let the next probe through.
  std::chrono::steady_clock::time_point retry_at() const { return opened_at_ + open_for_; }
  uint64_t times_opened() const { return times_opened_; }

 private:
  void open();

  const uint32_t failure_threshold_;
  const std::chrono::milliseconds open_for_;
  Clock clock_;
  State state_ = State::kClosed;
  uint32_t consecutive_failures_ = 0;
  std::chrono::steady_clock::time_point opened_at_{};
  uint64_t times_opened_ = 0;
};

}  // namespace peregrine::outputs
