#include "outputs/core/jittered_backoff.h"

#include <algorithm>
#include <memory>
#include <random>

namespace peregrine::outputs {

JitteredBackoff::JitteredBackoff(std::chrono::milliseconds base, std::chrono::milliseconds max,
                                 RandomSource random)
    : base_ms_(std::max<int64_t>(1, base.count())),
      max_ms_(std::max<uint64_t>(base_ms_, static_cast<uint64_t>(std::max<int64_t>(1, max.count())))),
      ceiling_ms_(base_ms_),
      random_(std::move(random)) {}

std::chrono::milliseconds JitteredBackoff::next_backoff() {
  uint64_t wait = random_() % ceiling_ms_;
  // Double the ceiling for the next call, saturating at max (and never overflowing).
  ceiling_ms_ = ceiling_ms_ > max_ms_ / 2 ? max_ms_ : ceiling_ms_ * 2;
  return std::chrono::milliseconds(wait);
}

JitteredBackoff::RandomSource system_random_source() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return (*engine)(); };
}

}  // namespace peregrine::outputs
