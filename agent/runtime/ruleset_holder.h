#pragma once
// The ruleset in force, swapped atomically on reload. Readers (event threads) check the
// generation — one relaxed atomic load per event — and take the new ruleset between two
// events, so each event is evaluated by exactly one ruleset. Publishing never waits for
// readers: the old ruleset lives until the last thread holding it lets go.
// Thread-safe.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "engine/ruleset/ruleset.h"

namespace peregrine::agent {

struct RulesetInfo {
  std::shared_ptr<const engine::Ruleset> ruleset;
  std::string hash;            // of the rule files' contents, hex
  uint64_t loaded_at_ns = 0;   // wall clock
  uint64_t generation = 0;
};

class RulesetHolder {
 public:
  void publish(std::shared_ptr<const engine::Ruleset> ruleset, std::string hash, uint64_t loaded_at_ns);
  RulesetInfo current() const;
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mu_;
  RulesetInfo info_;
  std::atomic<uint64_t> generation_{0};
};

}  // namespace peregrine::agent
