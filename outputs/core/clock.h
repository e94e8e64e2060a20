#pragma once
// The monotonic clock the delivery machinery reads, injectable so that circuit-breaker tests
// step time by hand instead of sleeping.

#include <chrono>
#include <functional>

namespace peregrine::outputs {

using Clock = std::function<std::chrono::steady_clock::time_point()>;

inline Clock steady_clock_source() { return [] { return std::chrono::steady_clock::now(); }; }

}  // namespace peregrine::outputs
