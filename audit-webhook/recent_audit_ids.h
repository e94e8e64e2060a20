#pragma once
// Remembers the most recent (auditID, stage) pairs this process queued, so that a batch the
// apiserver retries (after a timeout that hid our 200, say) does not raise its alerts twice.
// Every stage of one request shares its auditID, hence the pair. Bounded: the oldest key is
// forgotten first, which is enough because the apiserver retries within seconds.
//
// Not thread-safe: PayloadIntake holds it under the lock that also covers queueing, so that
// "seen" and "queued" change together.

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>

namespace peregrine::audit {

class RecentAuditIds {
 public:
  explicit RecentAuditIds(size_t capacity);

  static std::string key(std::string_view audit_id, std::string_view stage);

  bool contains(const std::string& key) const { return keys_.contains(key); }
  // Adds `key` (which must not be present), forgetting the oldest key when full.
  void insert(std::string key);
  size_t size() const { return keys_.size(); }

 private:
  size_t capacity_;
  std::unordered_set<std::string> keys_;
  std::deque<std::string> order_;  // oldest first
};

}  // namespace peregrine::audit
