#include "kube/informer.h"

#include <algorithm>

namespace peregrine::kube {

using nlohmann::json;

Informer::Informer(std::shared_ptr<Client> client, InformerOptions options, InformerHandlers handlers)
    : client_(std::move(client)), options_(std::move(options)), handlers_(std::move(handlers)) {}

Informer::~Informer() { stop(); }

void Informer::add_index(const std::string& name, IndexFn fn) { index_fns_[name] = std::move(fn); }

void Informer::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void Informer::stop() {
  stopping_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Informer::key_of(const json& object) {
  const json& meta = object.contains("metadata") ? object["metadata"] : json::object();
  return meta.value("namespace", "") + "/" + meta.value("name", "");
}

bool Informer::has_synced() const {
  std::lock_guard lock(mu_);
  return synced_;
}

bool Informer::wait_for_sync(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return synced_; });
}

std::optional<json> Informer::get(const std::string& ns, const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = cache_.find(ns + "/" + name);
  if (it == cache_.end()) return std::nullopt;
  return it->second;
}

std::vector<json> Informer::by_index(const std::string& index, const std::string& value) const {
  std::lock_guard lock(mu_);
  std::vector<json> out;
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return out;
  auto keys = idx->second.find(value);
  if (keys == idx->second.end()) return out;
  for (const auto& k : keys->second) out.push_back(cache_.at(k));
  return out;
}

std::vector<json> Informer::list() const {
  std::lock_guard lock(mu_);
  std::vector<json> out;
  for (const auto& [k, v] : cache_) out.push_back(v);
  return out;
}

size_t Informer::size() const {
  std::lock_guard lock(mu_);
  return cache_.size();
}

std::string Informer::last_resource_version() const {
  std::lock_guard lock(mu_);
  return rv_;
}

InformerStats Informer::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

// Replaces (object non-null) or removes (null) one cache entry and keeps the indexes in step.
void Informer::store_locked(const std::string& key, const json* object) {
  auto old = cache_.find(key);
  if (old != cache_.end()) {
    for (const auto& [name, fn] : index_fns_)
      for (const auto& v : fn(old->second)) {
        auto& keys = indexes_[name][v];
        keys.erase(std::remove(keys.begin(), keys.end(), key), keys.end());
        if (keys.empty()) indexes_[name].erase(v);
      }
  }
  if (!object) {
    if (old != cache_.end()) cache_.erase(old);
    return;
  }
  cache_[key] = *object;
  for (const auto& [name, fn] : index_fns_)
    for (const auto& v : fn(*object)) indexes_[name][v].push_back(key);
}

bool Informer::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, d, [&] { return stopping_.load(); });
  return !stopping_;
}

ApiStatus Informer::relist() {
  ListOptions lo;
  lo.label_selector = options_.label_selector;
  lo.field_selector = options_.field_selector;
  lo.limit = options_.page_size;
  auto listed = client_->list_all(options_.ref, options_.ns, lo);
  if (!listed) return listed.error();

  // Reconcile the cache with the list; collect handler calls to make outside the lock.
  std::vector<std::function<void()>> calls;
  {
    std::lock_guard lock(mu_);
    std::map<std::string, json> fresh;
    for (auto& item : (*listed)["items"]) {
      std::string key = key_of(item);
      fresh[key] = std::move(item);
    }
    std::vector<std::string> gone;
    for (const auto& [k, v] : cache_)
      if (!fresh.count(k)) gone.push_back(k);
    for (const auto& k : gone) {
      json old = cache_[k];
      store_locked(k, nullptr);
      if (handlers_.on_delete) calls.push_back([this, old] { handlers_.on_delete(old); });
    }
    for (auto& [k, v] : fresh) {
      auto it = cache_.find(k);
      if (it == cache_.end()) {
        if (handlers_.on_add) calls.push_back([this, added = v] { handlers_.on_add(added); });
      } else if (it->second["metadata"].value("resourceVersion", "") != v["metadata"].value("resourceVersion", "")) {
        json old = it->second;
        if (handlers_.on_update) calls.push_back([this, old, updated = v] { handlers_.on_update(old, updated); });
      }
      store_locked(k, &v);
    }
    rv_ = (*listed)["metadata"].value("resourceVersion", "");
    stats_.lists++;
  }
  for (auto& call : calls) call();
  {
    std::lock_guard lock(mu_);
    synced_ = true;
  }
  cv_.notify_all();
  return {};
}

void Informer::apply(const std::string& type, const json& object) {
  std::string key = key_of(object);
  std::optional<json> old;
  {
    std::lock_guard lock(mu_);
    rv_ = object["metadata"].value("resourceVersion", rv_);
    if (type == "BOOKMARK") return;
    auto it = cache_.find(key);
    if (it != cache_.end()) old = it->second;
    store_locked(key, type == "DELETED" ? nullptr : &object);
    stats_.events++;
  }
  if (type == "DELETED") {
    if (handlers_.on_delete) handlers_.on_delete(object);
  } else if (old) {
    if (handlers_.on_update) handlers_.on_update(*old, object);
  } else if (handlers_.on_add) {
    handlers_.on_add(object);
  }
}

void Informer::run() {
  Backoff backoff(options_.backoff_initial, options_.backoff_cap);
  bool need_list = true;
  bool first_watch = true;
  auto cancelled = [this] { return stopping_.load(); };
  while (!stopping_) {
    if (need_list) {
      auto listed = relist();
      if (!listed.ok()) {
        { std::lock_guard lock(mu_); stats_.errors++; }
        if (!sleep_for(backoff.next(listed.error().retry_after))) return;
        continue;
      }
      need_list = false;
    }
    WatchOptions wo;
    wo.resource_version = last_resource_version();
    wo.label_selector = options_.label_selector;
    wo.field_selector = options_.field_selector;
    wo.timeout_seconds = options_.watch_timeout_seconds;
    if (!first_watch) { std::lock_guard lock(mu_); stats_.watch_restarts++; }
    first_watch = false;
    bool got_event = false;
    auto status = client_->watch(options_.ref, options_.ns, wo, [&](const WatchEvent& ev) {
      got_event = true;
      apply(ev.type, ev.object);
      return !stopping_.load();
    }, cancelled);
    if (stopping_) return;
    if (got_event) backoff.reset();
    if (status.ok()) continue;  // the server ended the watch; resume from the last version
    { std::lock_guard lock(mu_); stats_.errors++; }
    if (status.error().is_gone()) {
      need_list = true;  // history no longer reaches our version: start over from a list
      continue;
    }
    if (!sleep_for(backoff.next(status.error().retry_after))) return;
  }
}

}  // namespace peregrine::kube
