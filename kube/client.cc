#include "kube/client.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "kube/curl_transport.h"

namespace peregrine::kube {

using nlohmann::json;

namespace {

constexpr int kMaxAttempts = 4;

std::string query_of(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string q;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    q += (q.empty() ? "?" : "&") + k + "=" + url_encode(v);
  }
  return q;
}

}  // namespace

std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

ApiError error_from_response(const HttpResponse& response) {
  ApiError e;
  e.http_status = static_cast<int>(response.status);
  json body = json::parse(response.body, nullptr, false);
  if (body.is_object() && body.value("kind", "") == "Status") {
    e.reason = body.value("reason", "");
    e.message = body.value("message", "");
  } else {
    e.message = response.body.substr(0, 512);
  }
  if (auto it = response.headers.find("retry-after"); it != response.headers.end())
    e.retry_after = std::chrono::seconds(std::strtol(it->second.c_str(), nullptr, 10));
  return e;
}

Client::Client(ClientConfig config, std::shared_ptr<Transport> transport)
    : config_(std::move(config)), transport_(std::move(transport)) {
  if (!transport_) transport_ = std::make_shared<CurlTransport>(config_);
}

std::vector<std::pair<std::string, std::string>> Client::auth_headers() {
  std::string token = config_.token;
  if (!config_.token_file.empty()) {
    // Service-account tokens are rotated by rewriting the file; re-read it when it changes.
    std::lock_guard lock(token_mu_);
    struct stat st {};
    long long mtime = ::stat(config_.token_file.c_str(), &st) == 0
                          ? static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec
                          : -1;
    if (mtime != token_mtime_ || cached_token_.empty()) {
      std::ifstream in(config_.token_file);
      std::stringstream ss;
      ss << in.rdbuf();
      cached_token_ = ss.str();
      while (!cached_token_.empty() && std::isspace(static_cast<unsigned char>(cached_token_.back())))
        cached_token_.pop_back();
      token_mtime_ = mtime;
    }
    token = cached_token_;
  }
  std::vector<std::pair<std::string, std::string>> h = {{"Accept", "application/json"}};
  if (!token.empty()) h.emplace_back("Authorization", "Bearer " + token);
  return h;
}

std::string Client::path(const ResourceRef& ref, const std::string& ns, const std::string& name,
                         const std::string& subresource) const {
  std::string p = ref.group.empty() ? "/api/" + ref.version : "/apis/" + ref.group + "/" + ref.version;
  if (ref.namespaced && !ns.empty()) p += "/namespaces/" + ns;
  p += "/" + ref.resource;
  if (!name.empty()) p += "/" + name;
  if (!subresource.empty()) p += "/" + subresource;
  return p;
}

ApiResult<json> Client::send(HttpRequest request, bool idempotent) {
  Backoff backoff(std::chrono::milliseconds(100), std::chrono::milliseconds(2000));
  const auto headers = request.headers;
  for (int attempt = 1;; ++attempt) {
    request.headers = auth_headers();
    request.headers.insert(request.headers.end(), headers.begin(), headers.end());
    request.timeout = config_.request_timeout;
    auto response = transport_->execute(request);
    ApiError error;
    if (!response.ok()) {
      error = response.error();
    } else if (response->status >= 200 && response->status < 300) {
      json body = json::parse(response->body, nullptr, false);
      if (body.is_discarded()) return ApiError{static_cast<int>(response->status), "BadResponse",
                                               "response is not JSON", {}};
      return body;
    } else {
      error = error_from_response(*response);
    }
    // 429 and 503 mean the request was not processed, so any verb may repeat it.
    bool retry = error.http_status == 429 || error.http_status == 503 || (idempotent && error.is_transient());
    if (!retry || attempt >= kMaxAttempts || error.reason == "Timeout") return error;
    std::this_thread::sleep_for(backoff.next(error.retry_after));
  }
}

ApiResult<json> Client::request(const std::string& method, const std::string& path_and_query,
                                const std::string& body, const std::string& content_type) {
  HttpRequest r;
  r.method = method;
  r.url = config_.server + path_and_query;
  r.body = body;
  if (!content_type.empty()) r.headers.emplace_back("Content-Type", content_type);
  return send(std::move(r), method == "GET");
}

ApiResult<json> Client::get(const ResourceRef& ref, const std::string& ns, const std::string& name) {
  return request("GET", path(ref, ns, name));
}

ApiResult<json> Client::list(const ResourceRef& ref, const std::string& ns, const ListOptions& o) {
  return request("GET", path(ref, ns) + query_of({{"labelSelector", o.label_selector},
                                                  {"fieldSelector", o.field_selector},
                                                  {"limit", o.limit > 0 ? std::to_string(o.limit) : ""},
                                                  {"continue", o.continue_token},
                                                  {"resourceVersion", o.resource_version}}));
}

ApiResult<json> Client::list_all(const ResourceRef& ref, const std::string& ns, ListOptions options) {
  json merged;
  while (true) {
    auto page = list(ref, ns, options);
    if (!page) return page.error();
    if (merged.is_null()) {
      merged = *page;
    } else {
      for (auto& item : (*page)["items"]) merged["items"].push_back(std::move(item));
    }
    options.continue_token = (*page)["metadata"].value("continue", "");
    if (options.continue_token.empty()) break;
  }
  merged["metadata"].erase("continue");
  return merged;
}

ApiResult<json> Client::create(const ResourceRef& ref, const std::string& ns, const json& object) {
  return request("POST", path(ref, ns), object.dump(), "application/json");
}

ApiResult<json> Client::update(const ResourceRef& ref, const std::string& ns, const json& object) {
  return request("PUT", path(ref, ns, object["metadata"].value("name", "")), object.dump(), "application/json");
}

ApiResult<json> Client::update_status(const ResourceRef& ref, const std::string& ns, const json& object) {
  return request("PUT", path(ref, ns, object["metadata"].value("name", ""), "status"), object.dump(),
                 "application/json");
}

ApiResult<json> Client::patch(const ResourceRef& ref, const std::string& ns, const std::string& name, PatchType type,
                              const json& patch, bool status_subresource) {
  const char* ct = type == PatchType::kMerge  ? "application/merge-patch+json"
                   : type == PatchType::kJson ? "application/json-patch+json"
                                              : "application/strategic-merge-patch+json";
  return request("PATCH", path(ref, ns, name, status_subresource ? "status" : ""), patch.dump(), ct);
}

ApiResult<json> Client::remove(const ResourceRef& ref, const std::string& ns, const std::string& name,
                               Propagation propagation) {
  json options = {{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
  if (propagation == Propagation::kBackground) options["propagationPolicy"] = "Background";
  if (propagation == Propagation::kForeground) options["propagationPolicy"] = "Foreground";
  if (propagation == Propagation::kOrphan) options["propagationPolicy"] = "Orphan";
  return request("DELETE", path(ref, ns, name), options.dump(), "application/json");
}

ApiStatus Client::watch(const ResourceRef& ref, const std::string& ns, const WatchOptions& o,
                        const std::function<bool(const WatchEvent&)>& on_event,
                        const std::function<bool()>& cancelled) {
  HttpRequest r;
  r.url = config_.server + path(ref, ns) +
          query_of({{"watch", "true"},
                    {"resourceVersion", o.resource_version},
                    {"labelSelector", o.label_selector},
                    {"fieldSelector", o.field_selector},
                    {"allowWatchBookmarks", o.bookmarks ? "true" : ""},
                    {"timeoutSeconds", o.timeout_seconds > 0 ? std::to_string(o.timeout_seconds) : ""}});
  r.headers = auth_headers();
  // Silence longer than the request timeout means a dead server or a half-open connection.
  r.timeout = config_.request_timeout;

  std::string buffer;
  std::optional<ApiError> stream_error;
  auto on_data = [&](std::string_view chunk) {
    buffer.append(chunk);
    size_t start = 0, nl;
    while ((nl = buffer.find('\n', start)) != std::string::npos) {
      std::string_view line(buffer.data() + start, nl - start);
      start = nl + 1;
      if (line.empty()) continue;
      json ev = json::parse(line, nullptr, false);
      if (ev.is_discarded() || !ev.is_object()) {
        stream_error = ApiError{0, "BadResponse", "watch stream carried a line that is not JSON", {}};
        return false;
      }
      WatchEvent event{ev.value("type", ""), ev.value("object", json::object())};
      if (event.type == "ERROR") {
        stream_error = ApiError{event.object.value("code", 500), event.object.value("reason", ""),
                                event.object.value("message", ""), {}};
        return false;
      }
      if (!on_event(event)) return false;
    }
    buffer.erase(0, start);
    return true;
  };
  auto response = transport_->stream(r, on_data, cancelled);
  if (stream_error) return *stream_error;
  if (!response.ok()) return response.error();
  if (response->status < 200 || response->status >= 300) return error_from_response(*response);
  return {};
}

}  // namespace peregrine::kube
