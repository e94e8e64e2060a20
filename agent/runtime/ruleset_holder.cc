#include "agent/runtime/ruleset_holder.h"

namespace peregrine::agent {

void RulesetHolder::publish(std::shared_ptr<const engine::Ruleset> ruleset, std::string hash, uint64_t loaded_at_ns) {
  std::lock_guard lock(mu_);
  info_.ruleset = std::move(ruleset);
  info_.hash = std::move(hash);
  info_.loaded_at_ns = loaded_at_ns;
  info_.generation = generation_.load(std::memory_order_relaxed) + 1;
  generation_.store(info_.generation, std::memory_order_release);
}

RulesetInfo RulesetHolder::current() const {
  std::lock_guard lock(mu_);
  return info_;
}

}  // namespace peregrine::agent
