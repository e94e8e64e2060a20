#pragma once
// Exponential backoff with full jitter: the n-th wait is uniform in [0, min(max, base * 2^n)),
// so that many agents retrying a sink that just came back do not arrive in lockstep.
// The random source is injected (any callable returning uint64_t) to make tests deterministic.

#include <cstdint>
#include <functional>

#include "outputs/core/backoff_strategy.h"

namespace peregrine::outputs {

class JitteredBackoff : public BackoffStrategy {
 public:
  using RandomSource = std::function<uint64_t()>;
  JitteredBackoff(std::chrono::milliseconds base, std::chrono::milliseconds max, RandomSource random);

  std::chrono::milliseconds next_backoff() override;
  void reset() override { ceiling_ms_ = base_ms_; }

 private:
  const uint64_t base_ms_;
  const uint64_t max_ms_;
  uint64_t ceiling_ms_;
  RandomSource random_;
};

// A random source seeded from the OS, for production use.
JitteredBackoff::RandomSource system_random_source();

}  // namespace peregrine::outputs
