#pragma once
// A Kubernetes REST client: typed paths, untyped objects (nlohmann::json).
//
// Thread-safety: all methods may be called concurrently. Errors: every call returns an
// ApiResult whose ApiError carries the HTTP status and the API's Status reason and message;
// nothing throws. Every call is bounded by the config's request timeout. Requests the server
// throttles (429) or refuses with 503 are retried a few times, honouring Retry-After; reads are
// retried on other 5xx and transport errors too.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "kube/backoff.h"
#include "kube/config.h"
#include "kube/transport.h"

namespace peregrine::kube {

// Which resource: {"", "v1", "pods"}, {"coordination.k8s.io", "v1", "leases"}, ...
struct ResourceRef {
  std::string group;
  std::string version;
  std::string resource;  // plural
  bool namespaced = true;
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int limit = 0;  // 0: server default (everything)
  std::string continue_token;
  std::string resource_version;
};

struct WatchOptions {
  std::string resource_version;  // empty: start with the current state as ADDED events
  std::string label_selector;
  std::string field_selector;
  bool bookmarks = true;
  int timeout_seconds = 300;  // server-side end of one watch call
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  nlohmann::json object;
};

enum class PatchType { kMerge, kJson, kStrategic };
enum class Propagation { kDefault, kBackground, kForeground, kOrphan };

class Client {
 public:
  // `transport` null: a CurlTransport over `config`.
  explicit Client(ClientConfig config, std::shared_ptr<Transport> transport = nullptr);

  const ClientConfig& config() const { return config_; }

  ApiResult<nlohmann::json> get(const ResourceRef& ref, const std::string& ns, const std::string& name);
  // One page; follow metadata.continue for the next.
  ApiResult<nlohmann::json> list(const ResourceRef& ref, const std::string& ns, const ListOptions& options = {});
  // Every page, merged into one list whose metadata.resourceVersion is the first page's.
  ApiResult<nlohmann::json> list_all(const ResourceRef& ref, const std::string& ns, ListOptions options = {});
  ApiResult<nlohmann::json> create(const ResourceRef& ref, const std::string& ns, const nlohmann::json& object);
  // PUT with the object's metadata.resourceVersion: a stale one fails with 409 (is_conflict()).
  ApiResult<nlohmann::json> update(const ResourceRef& ref, const std::string& ns, const nlohmann::json& object);
  ApiResult<nlohmann::json> update_status(const ResourceRef& ref, const std::string& ns, const nlohmann::json& object);
  ApiResult<nlohmann::json> patch(const ResourceRef& ref, const std::string& ns, const std::string& name,
                                  PatchType type, const nlohmann::json& patch, bool status_subresource = false);
  ApiResult<nlohmann::json> remove(const ResourceRef& ref, const std::string& ns, const std::string& name,
                                   Propagation propagation = Propagation::kDefault);

  // One watch call: streams events to `on_event` until the server ends the stream, on_event
  // returns false, or `cancelled` returns true. A 410 arrives as an error with is_gone().
  // Resuming, re-listing and backing off are the Watcher's and Informer's business.
  ApiStatus watch(const ResourceRef& ref, const std::string& ns, const WatchOptions& options,
                  const std::function<bool(const WatchEvent&)>& on_event, const std::function<bool()>& cancelled);

  // Raw request against a path ("/api/v1/..."), for what the typed calls do not cover.
  ApiResult<nlohmann::json> request(const std::string& method, const std::string& path_and_query,
                                    const std::string& body = "", const std::string& content_type = "");

  std::string path(const ResourceRef& ref, const std::string& ns, const std::string& name = "",
                   const std::string& subresource = "") const;

 private:
  std::vector<std::pair<std::string, std::string>> auth_headers();
  ApiResult<nlohmann::json> send(HttpRequest request, bool idempotent);

  ClientConfig config_;
  std::shared_ptr<Transport> transport_;
  std::mutex token_mu_;
  std::string cached_token_;
  long long token_mtime_ = -1;
};

// Percent-encodes a query parameter value.
std::string url_encode(const std::string& text);
// An ApiError from a non-2xx response: the Status body's reason and message when present.
ApiError error_from_response(const HttpResponse& response);

}  // namespace peregrine::kube
