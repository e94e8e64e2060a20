// ObjectStore: deletion with garbage collection, and the watch history.
#include "test/apiserver/object_meta.h"
#include "test/apiserver/object_store.h"

namespace peregrine::apiserver {

using nlohmann::json;

void ObjectStore::erase_locked(const std::string& storage_key, const std::string& key, Propagation propagation) {
  Bucket& bucket = objects_[storage_key];
  auto it = bucket.find(key);
  if (it == bucket.end()) return;
  json obj = std::move(it->second);
  bucket.erase(it);
  obj["metadata"]["resourceVersion"] = std::to_string(bump_locked());
  record_locked("DELETED", storage_key, obj);
  const std::string name = obj["metadata"].value("name", "");

  if (storage_key == "/namespaces") {
    for (auto& [sk, b] : objects_) {
      std::vector<std::string> doomed;
      for (const auto& [k, o] : b)
        if (o["metadata"].value("namespace", "") == name) doomed.push_back(k);
      for (const auto& k : doomed) erase_locked(sk, k, Propagation::kBackground);
    }
  }
  if (storage_key == "apiextensions.k8s.io/customresourcedefinitions") {
    registry_.remove_crd(name);
    std::string served = obj["spec"].value("group", "") + "/" + obj["spec"]["names"].value("plural", "");
    std::vector<std::string> doomed;
    for (const auto& [k, o] : objects_[served]) doomed.push_back(k);
    for (const auto& k : doomed) erase_locked(served, k, Propagation::kBackground);
  }
  collect_garbage_locked(obj["metadata"].value("uid", ""), propagation);
}

void ObjectStore::collect_garbage_locked(const std::string& owner_uid, Propagation propagation) {
  if (owner_uid.empty()) return;
  std::vector<std::pair<std::string, std::string>> dependents;
  for (const auto& [sk, b] : objects_)
    for (const auto& [k, o] : b)
      for (const auto& ref : o["metadata"].value("ownerReferences", json::array()))
        if (ref.value("uid", "") == owner_uid) dependents.emplace_back(sk, k);

  for (const auto& [sk, k] : dependents) {
    auto it = objects_[sk].find(k);
    if (it == objects_[sk].end()) continue;  // already collected through another path
    json& dep = it->second;
    json remaining = json::array();
    for (const auto& ref : dep["metadata"]["ownerReferences"])
      if (ref.value("uid", "") != owner_uid) remaining.push_back(ref);
    if (propagation == Propagation::kOrphan || !remaining.empty()) {
      if (remaining.empty()) dep["metadata"].erase("ownerReferences"); else dep["metadata"]["ownerReferences"] = remaining;
      dep["metadata"]["resourceVersion"] = std::to_string(bump_locked());
      record_locked("MODIFIED", sk, dep);
    } else if (!dep["metadata"].value("finalizers", json::array()).empty()) {
      if (!dep["metadata"].contains("deletionTimestamp")) {
        dep["metadata"]["deletionTimestamp"] = now_rfc3339();
        dep["metadata"]["resourceVersion"] = std::to_string(bump_locked());
        record_locked("MODIFIED", sk, dep);
      }
    } else {
      erase_locked(sk, k, Propagation::kBackground);
    }
  }
}

uint64_t ObjectStore::current_rv() const {
  std::lock_guard lock(mu_);
  return rv_;
}

std::variant<std::vector<WatchEvent>, ApiFailure> ObjectStore::events_after(const std::string& storage_key,
                                                                            uint64_t after_rv,
                                                                            std::chrono::milliseconds wait,
                                                                            uint64_t* scanned_rv) const {
  std::unique_lock lock(mu_);
  uint64_t generation = watch_generation_;
  auto collect = [&] {
    if (scanned_rv) *scanned_rv = std::max(after_rv, history_.empty() ? after_rv : history_.back().rv);
    std::vector<WatchEvent> out;
    // History is ordered by rv; skip to the first event after after_rv.
    auto it = std::upper_bound(history_.begin(), history_.end(), after_rv,
                               [](uint64_t rv, const WatchEvent& e) { return rv < e.rv; });
    for (; it != history_.end(); ++it)
      if (it->storage_key == storage_key) out.push_back(*it);
    return out;
  };
  if (after_rv < oldest_available_)
    return gone("too old resource version: " + std::to_string(after_rv) + " (" +
                std::to_string(oldest_available_ + 1) + ")");
  std::vector<WatchEvent> out = collect();
  if (!out.empty()) return out;
  // Only what arrives from now on can be new: everything up to the current rv was just looked at.
  const uint64_t seen = history_.empty() ? after_rv : std::max(after_rv, history_.back().rv);
  changed_.wait_for(lock, wait, [&] {
    return shutting_down_ || generation != watch_generation_ || (!history_.empty() && history_.back().rv > seen);
  });
  if (after_rv < oldest_available_)
    return gone("too old resource version: " + std::to_string(after_rv) + " (" +
                std::to_string(oldest_available_ + 1) + ")");
  return collect();
}

uint64_t ObjectStore::watch_generation() const {
  std::lock_guard lock(mu_);
  return watch_generation_;
}

void ObjectStore::cut_watches() {
  std::lock_guard lock(mu_);
  ++watch_generation_;
  changed_.notify_all();
}

void ObjectStore::set_history_size(size_t n) {
  std::lock_guard lock(mu_);
  history_size_ = n;
  while (history_.size() > history_size_) {
    oldest_available_ = history_.front().rv;
    history_.pop_front();
  }
  if (history_size_ == 0) oldest_available_ = rv_;
}

void ObjectStore::shutdown() {
  std::lock_guard lock(mu_);
  shutting_down_ = true;
  changed_.notify_all();
}

bool ObjectStore::shutting_down() const {
  std::lock_guard lock(mu_);
  return shutting_down_;
}

}  // namespace peregrine::apiserver
