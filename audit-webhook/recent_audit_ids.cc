#include "audit-webhook/recent_audit_ids.h"

#include <utility>

namespace peregrine::audit {

RecentAuditIds::RecentAuditIds(size_t capacity) : capacity_(capacity) {}

std::string RecentAuditIds::key(std::string_view audit_id, std::string_view stage) {
  std::string k;
  k.reserve(audit_id.size() + stage.size() + 1);
  k.append(audit_id);
  k.push_back('\n');  // cannot occur in either part's meaning, keeps "a"+"bc" from "ab"+"c"
  k.append(stage);
  return k;
}

void RecentAuditIds::insert(std::string key) {
  if (capacity_ == 0) return;
  if (keys_.size() == capacity_) {
    keys_.erase(order_.front());
    order_.pop_front();
  }
  order_.push_back(key);
  keys_.insert(std::move(key));
}

}  // namespace peregrine::audit
