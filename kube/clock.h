#pragma once
// The clock the leader elector decides by, injectable so tests can move time instead of
// waiting for it. `now()` is monotonic and measures lease expiry and renew deadlines; `wall()`
// is what gets written into Lease timestamps (acquireTime, renewTime), which other processes
// read. Implementations must be thread-safe.

#include <atomic>
#include <chrono>

namespace peregrine::kube {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  virtual std::chrono::system_clock::time_point wall() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wall() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to. Both readings advance together.
class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(offset_.load()));
  }
  std::chrono::system_clock::time_point wall() const override {
    // A fixed, readable epoch: 2026-11-22T00:00:00Z.
    return std::chrono::system_clock::time_point(std::chrono::seconds(1795305600)) +
           std::chrono::nanoseconds(offset_.load());
  }
  void advance(std::chrono::nanoseconds d) { offset_ += d.count(); }

 private:
  std::atomic<long long> offset_{0};
};

}  // namespace peregrine::kube
