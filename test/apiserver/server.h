#pragma once
// The HTTP face of the test API server: routes discovery, resource CRUD (through validating
// admission webhooks, see admission.h; ?dryRun=All), watch, and the /_test/ fault-injection
// endpoints onto an ObjectStore. install() registers the handlers on a
// cpp-httplib server (plain or TLS); shutdown() ends open watch streams so the server can stop.

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "test/apiserver/admission.h"
#include "test/apiserver/body_cache.h"
#include "test/apiserver/faults.h"
#include "test/apiserver/object_store.h"
#include "test/apiserver/request_log.h"

namespace peregrine::apiserver {

struct ServerOptions {
  std::set<std::string> tokens;  // empty: no authentication
  std::chrono::milliseconds bookmark_interval{1000};
  size_t history_size = 1000;
  std::string request_log;  // empty: none (request_log.h)
};

// A parsed resource URL: /api/v1/[namespaces/NS/]PLURAL[/NAME[/SUB]] or the /apis/GROUP/VERSION form.
struct ResourcePath {
  std::string group, version, ns, plural, name, subresource;
};

class ApiServer {
 public:
  explicit ApiServer(ServerOptions options);
  // False when --request-log cannot be opened.
  bool install(httplib::Server& http);
  void shutdown();

 private:
  httplib::Server::HandlerResponse before_routing(const httplib::Request& req, httplib::Response& res);
  void handle(const httplib::Request& req, httplib::Response& res);
  void route(const httplib::Request& req, httplib::Response& res);
  void handle_test(const httplib::Request& req, httplib::Response& res);
  bool handle_discovery(const httplib::Request& req, httplib::Response& res);
  void handle_resource(const ResourcePath& path, const httplib::Request& req, httplib::Response& res);
  void handle_write_or_read(const ResourcePath& path, const httplib::Request& req, httplib::Response& res,
                            std::vector<std::string>* warnings);
  void handle_list(const ResourceType& type, const ResourcePath& path, const httplib::Request& req,
                   httplib::Response& res);
  void handle_watch(const ResourceType& type, const ResourcePath& path, const httplib::Request& req,
                    httplib::Response& res);
  // What admission and dry run need of a write: the webhooks' warnings are collected in `warnings`.
  WriteOptions write_options(const httplib::Request& req, const std::string& operation,
                             std::vector<std::string>* warnings);
  void reply(httplib::Response& res, int code, const nlohmann::json& body);
  // GET of one object in JSON: from bodies_ when it has this resourceVersion.
  void reply_get(const ResourceType& type, const ResourcePath& path, httplib::Response& res);
  // Takes the result by value: a bundle-sized object is copied out of the store once, not twice.
  void reply(httplib::Response& res, StoreResult result, const ResourceType& type, int ok_code,
             const httplib::Request& req);

  ServerOptions options_;
  ObjectStore store_;
  Admission admission_{store_};
  Faults faults_;
  RequestLog request_log_;
  BodyCache bodies_;
  std::mutex tokens_mu_;
  std::atomic<bool> stopping_{false};
};

}  // namespace peregrine::apiserver
