#pragma once
// An informer: list + watch of one resource into a local cache, kept current by a background
// thread, with handlers for add/update/delete and a "synced" signal once the first list is in.
//
// The watch resumes from the last resourceVersion it saw (bookmarks advance it too). A 410
// Gone re-lists and reconciles the cache against the fresh list, calling handlers for what
// changed. Errors (429, 5xx, dropped connections, timeouts) back off exponentially with jitter,
// honouring Retry-After, and never end the loop; stop() does.
//
// Thread-safety: cache reads may come from any thread. Handlers run on the informer thread,
// outside the cache lock, in event order; they must not call stop().

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "kube/client.h"

namespace peregrine::kube {

struct InformerOptions {
  ResourceRef ref;
  std::string ns;  // empty: all namespaces
  std::string label_selector;
  std::string field_selector;
  int page_size = 500;
  int watch_timeout_seconds = 300;
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_cap{10000};
};

struct InformerHandlers {
  std::function<void(const nlohmann::json&)> on_add;
  std::function<void(const nlohmann::json& old_object, const nlohmann::json& new_object)> on_update;
  std::function<void(const nlohmann::json&)> on_delete;
};

struct InformerStats {
  uint64_t lists = 0;            // full lists, the first one included
  uint64_t watch_restarts = 0;   // watch calls after the first
  uint64_t events = 0;           // ADDED/MODIFIED/DELETED applied
  uint64_t errors = 0;           // failed list or watch calls
};

class Informer {
 public:
  using IndexFn = std::function<std::vector<std::string>(const nlohmann::json&)>;

  Informer(std::shared_ptr<Client> client, InformerOptions options, InformerHandlers handlers = {});
  ~Informer();  // stops and joins
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Only before start(): an index named `name` keyed by the values `fn` returns for an object.
  void add_index(const std::string& name, IndexFn fn);
  void start();
  void stop();

  bool has_synced() const;
  bool wait_for_sync(std::chrono::milliseconds timeout) const;

  std::optional<nlohmann::json> get(const std::string& ns, const std::string& name) const;
  std::vector<nlohmann::json> by_index(const std::string& index, const std::string& value) const;
  std::vector<nlohmann::json> list() const;
  size_t size() const;
  std::string last_resource_version() const;
  InformerStats stats() const;

 private:
  static std::string key_of(const nlohmann::json& object);
  void run();
  ApiStatus relist();
  void apply(const std::string& type, const nlohmann::json& object);
  void store_locked(const std::string& key, const nlohmann::json* object);
  bool sleep_for(std::chrono::milliseconds d);

  std::shared_ptr<Client> client_;
  InformerOptions options_;
  InformerHandlers handlers_;
  std::map<std::string, IndexFn> index_fns_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::map<std::string, nlohmann::json> cache_;  // "ns/name" -> object
  std::map<std::string, std::map<std::string, std::vector<std::string>>> indexes_;  // index -> value -> keys
  std::string rv_;
  bool synced_ = false;
  InformerStats stats_;

  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace peregrine::kube
