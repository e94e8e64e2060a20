// ApiServer::handle_watch: the streaming watch response, one JSON event per line.
//
// Semantics follow the real server: no resourceVersion (or "0") starts with a synthetic ADDED
// per current object; a resourceVersion older than the kept history ends with an ERROR event
// carrying a 410 Status; allowWatchBookmarks adds periodic BOOKMARK events; timeoutSeconds ends
// the stream cleanly. cut_watches() and shutdown end it abruptly, as a dropped connection.
#include <memory>

#include "test/apiserver/server.h"
#include "test/apiserver/table.h"

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

std::string param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : "";
}

struct WatchState {
  ResourceType type;
  std::string ns;
  std::optional<Selector> labels, fields;
  bool table = false;
  bool bookmarks = false;
  std::string start_rv;
  std::chrono::steady_clock::time_point deadline;
};

}  // namespace

void ApiServer::handle_watch(const ResourceType& type, const ResourcePath& path, const httplib::Request& req,
                             httplib::Response& res) {
  auto st = std::make_shared<WatchState>();
  st->type = type;
  st->ns = path.ns;
  st->labels = Selector::parse_labels(param(req, "labelSelector"));
  st->fields = Selector::parse_fields(param(req, "fieldSelector"));
  if (!st->labels || !st->fields) return reply(res, 400, status_body(bad_request("unable to parse requirement")));
  st->table = wants_table(req.get_header_value("Accept"));
  st->bookmarks = param(req, "allowWatchBookmarks") == "true";
  st->start_rv = param(req, "resourceVersion");
  long timeout = param(req, "timeoutSeconds").empty() ? 1800 : std::stol(param(req, "timeoutSeconds"));
  st->deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  for (char c : st->start_rv)
    if (c < '0' || c > '9') return reply(res, 400, status_body(bad_request("invalid resourceVersion")));

  // "application/json;stream=watch" is the API's own watch media type, and, unlike plain
  // "application/json", cpp-httplib does not gzip it: gzip would hold events back in its buffer.
  res.set_chunked_content_provider("application/json;stream=watch", [this, st](size_t, httplib::DataSink& sink) {
    const uint64_t generation = store_.watch_generation();
    auto matches = [&](const json& obj) {
      if (!st->ns.empty() && obj["metadata"].value("namespace", "") != st->ns) return false;
      return st->labels->matches_labels(obj) && st->fields->matches_fields(obj);
    };
    auto send = [&](const std::string& type, json obj) {
      obj["apiVersion"] = st->type.group_version();
      if (st->table && type != "BOOKMARK" && type != "ERROR")
        obj = make_table(st->type, json::array({obj}), obj["metadata"].value("resourceVersion", ""), "");
      std::string line = json{{"type", type}, {"object", obj}}.dump() + "\n";
      return sink.write(line.data(), line.size());
    };

    uint64_t after;
    if (st->start_rv.empty() || st->start_rv == "0") {
      ListQuery q;
      q.ns = st->ns;
      q.labels = st->labels;
      q.fields = st->fields;
      json listed = std::get<json>(store_.list(st->type, q));
      after = std::stoull(listed["resourceVersion"].get<std::string>());
      for (const auto& obj : listed["items"])
        if (!send("ADDED", obj)) return false;
    } else {
      after = std::stoull(st->start_rv);
    }

    auto next_bookmark = std::chrono::steady_clock::now() + options_.bookmark_interval;
    while (true) {
      if (stopping_ || store_.watch_generation() != generation) return false;  // abrupt end
      auto now = std::chrono::steady_clock::now();
      if (now >= st->deadline) break;
      auto wait = std::min<std::chrono::steady_clock::duration>(std::chrono::milliseconds(200), st->deadline - now);
      uint64_t scanned = after;
      auto got = store_.events_after(st->type.storage_key(), after,
                                     std::chrono::duration_cast<std::chrono::milliseconds>(wait), &scanned);
      if (auto* failure = std::get_if<ApiFailure>(&got)) {
        send("ERROR", status_body(*failure));
        break;
      }
      if (stopping_ || store_.watch_generation() != generation) return false;
      for (auto& ev : std::get<std::vector<WatchEvent>>(got)) {
        after = ev.rv;
        if (!matches(ev.object)) continue;
        if (!send(ev.type, std::move(ev.object))) return false;
      }
      // The client's position moves only with what it is sent (events, bookmarks); this is
      // where the next look through history starts.
      after = std::max(after, scanned);
      if (st->bookmarks && std::chrono::steady_clock::now() >= next_bookmark) {
        next_bookmark = std::chrono::steady_clock::now() + options_.bookmark_interval;
        uint64_t rv = std::max(after, store_.current_rv());
        // Only events of other resources can lie between `after` and the current rv, so the
        // bookmark may advance the client past them.
        auto pending = store_.events_after(st->type.storage_key(), after, std::chrono::milliseconds(0));
        if (auto* evs = std::get_if<std::vector<WatchEvent>>(&pending); evs && evs->empty()) {
          after = rv;
          json obj = {{"kind", st->type.kind}, {"apiVersion", st->type.group_version()},
                      {"metadata", {{"resourceVersion", std::to_string(rv)}}}};
          if (!send("BOOKMARK", obj)) return false;
        }
      }
    }
    sink.done();
    return true;
  });
}

}  // namespace peregrine::apiserver
