#pragma once
// The agent's counters, rendered as Prometheus text for /metrics. Event-path updates are
// relaxed atomic increments; per-rule alert counts take a mutex (alerts are rare next to
// events). Thread-safe.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/rules/priority.h"

namespace peregrine::agent {

struct RulesetInfo;

class Metrics {
 public:
  std::atomic<uint64_t> events{0};               // records the agent processed
  std::atomic<uint64_t> kernel_drops{0};         // lost in the kernel (ring buffer, stash)
  std::atomic<uint64_t> user_drops{0};           // lost in user space (decode errors, full queues)
  std::atomic<uint64_t> eval_drops{0};            // events an evaluation worker had no room for
  std::atomic<uint64_t> alerts_dropped{0};       // alerts the output queue had no room for
  std::atomic<uint64_t> incomplete_events{0};    // events with missing metadata
  std::atomic<uint64_t> reloads{0};
  std::atomic<uint64_t> reload_failures{0};
  std::atomic<uint64_t> threads{0};              // process table size

  void count_alert(const std::string& rule, engine::Priority priority);
  // Prometheus text exposition format, with the ruleset's hash and load time.
  std::string render(const RulesetInfo& ruleset) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, engine::Priority>, uint64_t> alerts_;
};

}  // namespace peregrine::agent
