#pragma once
// The in-memory state of the test API server: objects by resource type, namespace and name;
// the global resourceVersion counter; a bounded history of watch events; CRD-driven resource
// types; finalizers and owner-reference garbage collection.
//
// Thread-safety: every public method takes the one internal mutex, so the store can be used
// from all of cpp-httplib's worker threads. Objects are returned by value (copies).
// Errors are returned as ApiFailure values carrying the HTTP code and the Status reason.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "test/apiserver/api_status.h"
#include "test/apiserver/resource_registry.h"
#include "test/apiserver/selectors.h"

namespace peregrine::apiserver {

using StoreResult = std::variant<nlohmann::json, ApiFailure>;

struct ListQuery {
  std::string ns;  // empty: every namespace
  std::optional<Selector> labels;
  std::optional<Selector> fields;
  size_t limit = 0;  // 0: no limit
  std::string continue_token;
};

struct WatchEvent {
  uint64_t rv = 0;
  std::string type;         // ADDED, MODIFIED, DELETED
  std::string storage_key;  // group/plural
  nlohmann::json object;
};

enum class PatchKind { kMerge, kJson, kStrategic };
enum class Propagation { kBackground, kForeground, kOrphan };

// A write the store is about to make, as admission sees it: the object as it would be stored
// (null for DELETE) and the stored one (null for CREATE).
struct WriteAttempt {
  std::string operation;  // CREATE, UPDATE, DELETE
  const ResourceType* type = nullptr;
  std::string ns, name, subresource;
  const nlohmann::json* object = nullptr;
  const nlohmann::json* old_object = nullptr;
};
// Asked once per write attempt, WITHOUT the store's lock held (an admission webhook may read
// the store); a failure refuses the write.
using AdmitFn = std::function<std::optional<ApiFailure>(const WriteAttempt&)>;

struct WriteOptions {
  AdmitFn admit;         // empty: no admission
  bool dry_run = false;  // everything but the final write (?dryRun=All)
};

class ObjectStore {
 public:
  explicit ObjectStore(size_t history_size);

  std::optional<ResourceType> resolve(const std::string& group, const std::string& version,
                                      const std::string& plural) const;
  nlohmann::json api_group_list() const;
  std::optional<nlohmann::json> resource_list(const std::string& group, const std::string& version) const;

  StoreResult get(const ResourceType& type, const std::string& ns, const std::string& name) const;
  // The stored object's resourceVersion, without copying the object; nullopt when it is missing.
  std::optional<std::string> resource_version(const ResourceType& type, const std::string& ns,
                                              const std::string& name) const;
  // Returns {"items": [...], "resourceVersion": "...", "continue": "..."}.
  StoreResult list(const ResourceType& type, const ListQuery& query) const;
  // Writes. With options.admit set, the object is computed under the lock, admitted without it,
  // and written if nothing changed meanwhile; an update or patch that raced another writer is
  // recomputed and admitted again (as the real server's GuaranteedUpdate retries).
  StoreResult create(const ResourceType& type, const std::string& ns, nlohmann::json body,
                     const WriteOptions& options = {});
  StoreResult update(const ResourceType& type, const std::string& ns, const std::string& name,
                     nlohmann::json body, bool status_subresource, const WriteOptions& options = {});
  StoreResult patch(const ResourceType& type, const std::string& ns, const std::string& name, PatchKind kind,
                    const nlohmann::json& patch, bool status_subresource, const WriteOptions& options = {});
  StoreResult remove(const ResourceType& type, const std::string& ns, const std::string& name,
                     Propagation propagation, const std::string& precondition_rv, const WriteOptions& options = {});
  // The other served versions of `type`'s resource (admission's matchPolicy: Equivalent).
  std::vector<ResourceType> equivalents(const ResourceType& type) const;

  uint64_t current_rv() const;
  // Events of `storage_key` after `after_rv`, waiting up to `wait` for one to arrive. Returns an
  // ApiFailure 410 when history no longer reaches back to `after_rv`, and an empty list when the
  // wait ended (timeout, cut_watches, shutdown) with nothing new. `scanned_rv` (optional) gets
  // the rv up to which history was looked through: events of other resources up to it need no
  // second look, so the next call starts there (else one write to any other resource would
  // wake every watch of this one again and again until its next event or bookmark).
  std::variant<std::vector<WatchEvent>, ApiFailure> events_after(const std::string& storage_key, uint64_t after_rv,
                                                                 std::chrono::milliseconds wait,
                                                                 uint64_t* scanned_rv = nullptr) const;
  // Generation number of open watches; cut_watches() bumps it and every watch whose generation
  // differs ends its stream abruptly, as a dropped connection would.
  uint64_t watch_generation() const;
  void cut_watches();
  void set_history_size(size_t n);
  void shutdown();
  bool shutting_down() const;

 private:
  using Bucket = std::map<std::string, nlohmann::json>;  // "ns/name" -> object, sorted for paging

  static std::string key_of(const std::string& ns, const std::string& name) { return ns + "/" + name; }
  uint64_t bump_locked();
  void record_locked(const std::string& type, const std::string& storage_key, const nlohmann::json& object);
  using BodyFn = std::function<std::variant<nlohmann::json, ApiFailure>(const nlohmann::json& current)>;
  StoreResult write_update(const ResourceType& type, const std::string& ns, const std::string& name,
                           const BodyFn& make_body, bool status_subresource, const WriteOptions& options);
  // The object an update of `current` with `body` would store (resourceVersion still current's).
  std::variant<nlohmann::json, ApiFailure> prepare_update_locked(const ResourceType& type, const std::string& name,
                                                                 const nlohmann::json& current, nlohmann::json body,
                                                                 bool status_subresource);
  StoreResult commit_update_locked(const ResourceType& type, const std::string& key, nlohmann::json next);
  void erase_locked(const std::string& storage_key, const std::string& key, Propagation propagation);
  void collect_garbage_locked(const std::string& owner_uid, Propagation propagation);
  std::optional<ApiFailure> validate_new_locked(const ResourceType& type, const std::string& ns, nlohmann::json& body);

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  ResourceRegistry registry_;
  std::map<std::string, Bucket> objects_;  // storage key -> bucket
  uint64_t rv_ = 1000;
  std::deque<WatchEvent> history_;
  size_t history_size_;
  uint64_t oldest_available_ = 1000;  // every event with rv > this is still in history_
  uint64_t watch_generation_ = 0;
  bool shutting_down_ = false;
};

}  // namespace peregrine::apiserver
