#pragma once
// Exponential backoff with jitter: each delay doubles up to a cap and is scaled by a random
// factor in [0.5, 1] so that many clients do not retry in lockstep. A server's Retry-After is
// a floor. The random source is injected so tests are deterministic. Not thread-safe.

#include <chrono>
#include <functional>

namespace peregrine::kube {

class Backoff {
 public:
  // `unit_random` returns a value in [0, 1); the default uses a per-object PRNG.
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap,
          std::function<double()> unit_random = nullptr);

  std::chrono::milliseconds next(std::chrono::seconds retry_after = std::chrono::seconds(0));
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  std::chrono::milliseconds initial_, cap_;
  std::function<double()> random_;
  int attempt_ = 0;
};

}  // namespace peregrine::kube
