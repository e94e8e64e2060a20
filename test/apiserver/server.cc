#include "test/apiserver/server.h"

#include <algorithm>
#include <sstream>
#include <thread>

#include "test/apiserver/table.h"

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '/'))
    if (!part.empty()) out.push_back(part);
  return out;
}

std::optional<ResourcePath> parse_resource_path(const std::vector<std::string>& segs) {
  ResourcePath p;
  size_t i;
  if (segs.size() >= 3 && segs[0] == "api") {
    p.version = segs[1];
    i = 2;
  } else if (segs.size() >= 4 && segs[0] == "apis") {
    p.group = segs[1];
    p.version = segs[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  std::vector<std::string> rest(segs.begin() + static_cast<long>(i), segs.end());
  bool namespace_sub = rest.size() == 3 && (rest[2] == "status" || rest[2] == "finalize");
  if (rest[0] == "namespaces" && rest.size() >= 3 && !namespace_sub) {
    p.ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  }
  if (rest.size() > 3) return std::nullopt;
  p.plural = rest[0];
  if (rest.size() > 1) p.name = rest[1];
  if (rest.size() > 2) p.subresource = rest[2];
  return p;
}

std::string param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : "";
}

ApiFailure no_route() { return {404, "NotFound", "the server could not find the requested resource", nullptr}; }

}  // namespace

ApiServer::ApiServer(ServerOptions options)
    : options_(std::move(options)), store_(options_.history_size) {}

void ApiServer::shutdown() {
  stopping_ = true;
  store_.shutdown();
}

bool ApiServer::install(httplib::Server& http) {
  if (!options_.request_log.empty()) {
    if (!request_log_.open(options_.request_log)) return false;
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) { request_log_.done(req, res); });
  }
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    return before_routing(req, res);
  });
  auto h = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  http.Get(".*", h);
  http.Post(".*", h);
  http.Put(".*", h);
  http.Patch(".*", h);
  http.Delete(".*", h);
  return true;
}

void ApiServer::reply(httplib::Response& res, int code, const json& body) {
  res.status = code;
  res.set_content(body.dump(), "application/json");
}

httplib::Server::HandlerResponse ApiServer::before_routing(const httplib::Request& req, httplib::Response& res) {
  if (request_log_.enabled()) request_log_.start();
  if (req.path.rfind("/_test/", 0) == 0) return httplib::Server::HandlerResponse::Unhandled;
  // Sleep in slices so that a stopping server does not wait out a long injected delay.
  auto delay = faults_.take_delay();
  auto until = std::chrono::steady_clock::now() + delay;
  while (!stopping_ && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (auto failure = faults_.take_failure(req.path)) {
    if (failure->retry_after_seconds > 0) res.set_header("Retry-After", std::to_string(failure->retry_after_seconds));
    reply(res, failure->status,
          status_body({failure->status, failure->status == 429 ? "TooManyRequests" : "InternalError",
                       "injected failure", nullptr}));
    return httplib::Server::HandlerResponse::Handled;
  }
  bool authorized;
  {
    std::lock_guard lock(tokens_mu_);
    authorized = options_.tokens.empty();
    std::string auth = req.get_header_value("Authorization");
    if (!authorized && auth.rfind("Bearer ", 0) == 0) authorized = options_.tokens.count(auth.substr(7)) > 0;
  }
  if (!authorized) {
    reply(res, 401, status_body({401, "Unauthorized", "Unauthorized", nullptr}));
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void ApiServer::handle(const httplib::Request& req, httplib::Response& res) {
  route(req, res);
  if (request_log_.enabled()) request_log_.handled();
}

void ApiServer::route(const httplib::Request& req, httplib::Response& res) {
  if (req.path.rfind("/_test/", 0) == 0) return handle_test(req, res);
  if (handle_discovery(req, res)) return;
  auto path = parse_resource_path(split_path(req.path));
  if (!path) return reply(res, 404, status_body(no_route()));
  handle_resource(*path, req, res);
}

void ApiServer::handle_test(const httplib::Request& req, httplib::Response& res) {
  const std::string& p = req.path;
  if (p == "/_test/fail") {
    InjectedFailure f{std::stoi(param(req, "status").empty() ? "500" : param(req, "status")),
                      param(req, "retryAfter").empty() ? 0 : std::stoi(param(req, "retryAfter"))};
    faults_.fail_next(std::stoi(param(req, "count").empty() ? "1" : param(req, "count")), f, param(req, "path"));
  } else if (p == "/_test/delay") {
    faults_.set_delay(std::chrono::milliseconds(std::stoi(param(req, "ms").empty() ? "0" : param(req, "ms"))),
                      param(req, "count").empty() ? -1 : std::stoi(param(req, "count")));
  } else if (p == "/_test/cut-watches") {
    store_.cut_watches();
  } else if (p == "/_test/history") {
    store_.set_history_size(std::stoul(param(req, "size").empty() ? "0" : param(req, "size")));
  } else if (p == "/_test/tokens") {
    std::lock_guard lock(tokens_mu_);
    options_.tokens.clear();
    std::stringstream ss(param(req, "set"));
    std::string t;
    while (std::getline(ss, t, ','))
      if (!t.empty()) options_.tokens.insert(t);
  } else if (p == "/_test/rv") {
    return reply(res, 200, {{"resourceVersion", std::to_string(store_.current_rv())}});
  } else {
    return reply(res, 404, status_body(no_route()));
  }
  reply(res, 200, {{"ok", true}});
}

namespace {

std::string object_key(const ResourceType& type, const std::string& ns, const std::string& name) {
  return type.storage_key() + "/" + (type.namespaced ? ns : "") + "/" + name;
}

}  // namespace

void ApiServer::reply(httplib::Response& res, StoreResult result, const ResourceType& type, int ok_code,
                      const httplib::Request& req) {
  if (auto* failure = std::get_if<ApiFailure>(&result)) return reply(res, failure->code, status_body(*failure));
  json obj = std::move(std::get<json>(result));
  obj["apiVersion"] = type.group_version();
  if (req.method == "GET" && wants_table(req.get_header_value("Accept")))
    return reply(res, 200, make_table(type, json::array({obj}), obj["metadata"].value("resourceVersion", ""), ""));
  auto body = std::make_shared<const std::string>(obj.dump());
  // What a write returns is the object as stored (a dry run's is not stored): the agents' GETs
  // that follow a bundle's creation find it serialised already.
  const bool stored = req.method == "POST" || req.method == "PUT" || req.method == "PATCH";
  if (stored && param(req, "dryRun").empty())
    bodies_.put(object_key(type, obj["metadata"].value("namespace", ""), obj["metadata"].value("name", "")),
                obj["metadata"].value("resourceVersion", ""), type.group_version(), body);
  res.status = ok_code;
  res.set_content(*body, "application/json");
}

void ApiServer::reply_get(const ResourceType& type, const ResourcePath& path, httplib::Response& res) {
  const std::string key = object_key(type, path.ns, path.name);
  if (auto rv = store_.resource_version(type, path.ns, path.name))
    if (auto body = bodies_.find(key, *rv, type.group_version())) {
      res.status = 200;
      res.set_content(*body, "application/json");
      return;
    }
  StoreResult result = store_.get(type, path.ns, path.name);
  if (auto* failure = std::get_if<ApiFailure>(&result)) return reply(res, failure->code, status_body(*failure));
  json& obj = std::get<json>(result);
  obj["apiVersion"] = type.group_version();
  auto body = std::make_shared<const std::string>(obj.dump());
  bodies_.put(key, obj["metadata"].value("resourceVersion", ""), type.group_version(), body);
  res.status = 200;
  res.set_content(*body, "application/json");
}

WriteOptions ApiServer::write_options(const httplib::Request& req, const std::string& operation,
                                      std::vector<std::string>* warnings) {
  RequestContext context;
  context.dry_run = param(req, "dryRun") == "All";
  // kubectl --as / --as-group impersonate; everyone else is the test server's administrator.
  if (req.has_header("Impersonate-User")) {
    context.user_info = {{"username", req.get_header_value("Impersonate-User")}, {"groups", json::array()}};
    for (size_t i = 0; i < req.get_header_value_count("Impersonate-Group"); ++i)
      context.user_info["groups"].push_back(req.get_header_value("Impersonate-Group", i));
    context.user_info["groups"].push_back("system:authenticated");
  } else {
    context.user_info = {{"username", "system:admin"}, {"groups", {"system:masters", "system:authenticated"}}};
  }
  const char* kind = operation == "CREATE" ? "CreateOptions" : operation == "DELETE" ? "DeleteOptions" : "UpdateOptions";
  context.options = {{"kind", kind}, {"apiVersion", "meta.k8s.io/v1"}};
  if (operation != "DELETE" && !param(req, "fieldManager").empty()) context.options["fieldManager"] = param(req, "fieldManager");
  if (operation == "DELETE" && !param(req, "propagationPolicy").empty())
    context.options["propagationPolicy"] = param(req, "propagationPolicy");
  if (context.dry_run) context.options["dryRun"] = {"All"};
  WriteOptions options;
  options.dry_run = context.dry_run;
  options.admit = [this, context, warnings](const WriteAttempt& attempt) {
    return admission_.review(attempt, context, warnings);
  };
  return options;
}

namespace {

// Warnings travel as `Warning: 299 - "text"` headers, which kubectl prints as `Warning: text`.
void add_warnings(httplib::Response& res, const std::vector<std::string>& warnings) {
  std::vector<std::string> seen;
  for (const auto& w : warnings) {
    if (std::find(seen.begin(), seen.end(), w) != seen.end()) continue;
    seen.push_back(w);
    std::string quoted;
    for (char c : w) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
    }
    res.set_header("Warning", "299 - \"" + quoted + "\"");
  }
}

}  // namespace

void ApiServer::handle_resource(const ResourcePath& path, const httplib::Request& req, httplib::Response& res) {
  std::vector<std::string> warnings;
  handle_write_or_read(path, req, res, &warnings);
  add_warnings(res, warnings);
}

void ApiServer::handle_write_or_read(const ResourcePath& path, const httplib::Request& req, httplib::Response& res,
                                     std::vector<std::string>* warnings) {
  const std::string dry_run = param(req, "dryRun");
  if (!dry_run.empty() && dry_run != "All")
    return reply(res, 400, status_body(bad_request("Invalid dryRun value: \"" + dry_run + "\"; the only supported value is \"All\"")));
  auto type = store_.resolve(path.group, path.version, path.plural);
  if (!type) return reply(res, 404, status_body(no_route()));
  if (!type->namespaced && !path.ns.empty()) return reply(res, 404, status_body(no_route()));
  if (type->namespaced && path.ns.empty() && (!path.name.empty() || req.method != "GET"))
    return reply(res, 404, status_body(no_route()));
  if (!path.subresource.empty() && (path.subresource != "status" || !type->has_status))
    return reply(res, 404, status_body(no_route()));
  const bool status = !path.subresource.empty();

  if (path.name.empty()) {
    if (req.method == "GET") return handle_list(*type, path, req, res);
    if (req.method == "POST") {
      json body = json::parse(req.body, nullptr, false);
      if (body.is_discarded()) return reply(res, 400, status_body(bad_request("the body is not valid JSON")));
      return reply(res, store_.create(*type, path.ns, body, write_options(req, "CREATE", warnings)), *type, 201, req);
    }
    return reply(res, 405, status_body({405, "MethodNotAllowed", "method not allowed on a collection", nullptr}));
  }

  if (req.method == "GET") {
    if (!wants_table(req.get_header_value("Accept"))) return reply_get(*type, path, res);
    return reply(res, store_.get(*type, path.ns, path.name), *type, 200, req);
  }
  if (req.method == "PUT") {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_discarded()) return reply(res, 400, status_body(bad_request("the body is not valid JSON")));
    return reply(res, store_.update(*type, path.ns, path.name, body, status, write_options(req, "UPDATE", warnings)),
                 *type, 200, req);
  }
  if (req.method == "PATCH") {
    std::string ct = req.get_header_value("Content-Type");
    PatchKind kind;
    if (ct.rfind("application/merge-patch+json", 0) == 0) {
      kind = PatchKind::kMerge;
    } else if (ct.rfind("application/json-patch+json", 0) == 0) {
      kind = PatchKind::kJson;
    } else if (ct.rfind("application/strategic-merge-patch+json", 0) == 0 && type->crd_name.empty()) {
      kind = PatchKind::kStrategic;
    } else {
      return reply(res, 415, status_body({415, "UnsupportedMediaType",
                                          "the body of the request was in an unknown format - accepted media types "
                                          "include: application/json-patch+json, application/merge-patch+json" +
                                              std::string(type->crd_name.empty()
                                                              ? ", application/strategic-merge-patch+json"
                                                              : ""),
                                          nullptr}));
    }
    json patch = json::parse(req.body, nullptr, false);
    if (patch.is_discarded()) return reply(res, 400, status_body(bad_request("the patch is not valid JSON")));
    return reply(res,
                 store_.patch(*type, path.ns, path.name, kind, patch, status, write_options(req, "UPDATE", warnings)),
                 *type, 200, req);
  }
  if (req.method == "DELETE") {
    json opts = req.body.empty() ? json::object() : json::parse(req.body, nullptr, false);
    if (opts.is_discarded()) opts = json::object();
    std::string policy = param(req, "propagationPolicy");
    if (policy.empty()) policy = opts.value("propagationPolicy", "Background");
    Propagation prop = policy == "Orphan"       ? Propagation::kOrphan
                       : policy == "Foreground" ? Propagation::kForeground
                                                : Propagation::kBackground;
    std::string rv = opts.contains("preconditions") ? opts["preconditions"].value("resourceVersion", "") : "";
    if (dry_run.empty()) bodies_.erase(object_key(*type, path.ns, path.name));
    return reply(res, store_.remove(*type, path.ns, path.name, prop, rv, write_options(req, "DELETE", warnings)),
                 *type, 200, req);
  }
  reply(res, 405, status_body({405, "MethodNotAllowed", "method not allowed", nullptr}));
}

void ApiServer::handle_list(const ResourceType& type, const ResourcePath& path, const httplib::Request& req,
                            httplib::Response& res) {
  std::string watch = param(req, "watch");
  if (watch == "true" || watch == "1") return handle_watch(type, path, req, res);
  ListQuery q;
  q.ns = path.ns;
  q.labels = Selector::parse_labels(param(req, "labelSelector"));
  q.fields = Selector::parse_fields(param(req, "fieldSelector"));
  if (!q.labels || !q.fields) return reply(res, 400, status_body(bad_request("unable to parse requirement")));
  if (!param(req, "limit").empty()) q.limit = std::stoul(param(req, "limit"));
  q.continue_token = param(req, "continue");
  json listed = std::get<json>(store_.list(type, q));
  for (auto& item : listed["items"]) item["apiVersion"] = type.group_version();
  if (wants_table(req.get_header_value("Accept")))
    return reply(res, 200, make_table(type, listed["items"], listed["resourceVersion"], listed["continue"]));
  json meta = {{"resourceVersion", listed["resourceVersion"]}};
  if (!listed["continue"].get<std::string>().empty()) meta["continue"] = listed["continue"];
  reply(res, 200, {{"kind", type.kind + "List"}, {"apiVersion", type.group_version()}, {"metadata", meta},
                   {"items", listed["items"]}});
}

}  // namespace peregrine::apiserver
