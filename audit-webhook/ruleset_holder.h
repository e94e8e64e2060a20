#pragma once
// The live ruleset, swapped whole on reload. Evaluation threads compare generation() (one
// atomic load) before each batch and take the lock only when it moved, so a reload never
// stalls the event path and an event is evaluated by exactly one ruleset: the one its batch
// started with. The previous ruleset is freed when the last thread using it lets go.
//
// Thread-safe.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

#include "engine/ruleset/ruleset.h"

namespace peregrine::audit {

class RulesetHolder {
 public:
  explicit RulesetHolder(std::shared_ptr<const engine::Ruleset> initial = nullptr)
      : current_(std::move(initial)) {}

  std::shared_ptr<const engine::Ruleset> get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  void swap(std::shared_ptr<const engine::Ruleset> next) {
    std::shared_ptr<const engine::Ruleset> old;
    {
      std::lock_guard<std::mutex> lock(mu_);
      old = std::exchange(current_, std::move(next));
      generation_.fetch_add(1, std::memory_order_release);
    }
    // `old` is released here, outside the lock: freeing a large ruleset takes a while.
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const engine::Ruleset> current_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace peregrine::audit
