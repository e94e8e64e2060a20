#pragma once
// How long to wait before the next retry of a failed delivery. Kept to a small interface so the
// worker can be tested with a deterministic strategy and the jittered one with a fixed random
// source. Not thread-safe: each worker owns its own.

#include <chrono>

namespace peregrine::outputs {

class BackoffStrategy {
 public:
  virtual ~BackoffStrategy() = default;
  // The wait before the next attempt; grows with each call until reset().
  virtual std::chrono::milliseconds next_backoff() = 0;
  // Called after a success: the next failure starts from the shortest wait again.
  virtual void reset() = 0;
};

}  // namespace peregrine::outputs
