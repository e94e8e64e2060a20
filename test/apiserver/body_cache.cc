#include "test/apiserver/body_cache.h"

namespace peregrine::apiserver {

std::shared_ptr<const std::string> BodyCache::find(const std::string& object_key, const std::string& resource_version,
                                                   const std::string& group_version) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(object_key);
  if (it == entries_.end() || it->second.resource_version != resource_version ||
      it->second.group_version != group_version)
    return nullptr;
  return it->second.body;
}

void BodyCache::put(const std::string& object_key, const std::string& resource_version,
                    const std::string& group_version, std::shared_ptr<const std::string> body) {
  if (resource_version.empty()) return;
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxEntries && !entries_.count(object_key)) entries_.clear();
  entries_[object_key] = {resource_version, group_version, std::move(body)};
}

void BodyCache::erase(const std::string& object_key) {
  std::lock_guard lock(mu_);
  entries_.erase(object_key);
}

}  // namespace peregrine::apiserver
