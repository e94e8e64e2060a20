#include "kube/curl_transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace peregrine::kube {

namespace {

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

struct Exchange {
  HttpResponse response;
  const std::function<bool(std::string_view)>* on_data = nullptr;  // null: buffer the body
  const std::function<bool()>* cancelled = nullptr;
  bool stopped_by_caller = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t len = size * n;
  if (ex->on_data && ex->response.status >= 200 && ex->response.status < 300) {
    if (!(*ex->on_data)(std::string_view(data, len))) {
      ex->stopped_by_caller = true;
      return 0;  // makes curl abort the transfer
    }
    return len;
  }
  ex->response.body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after redirects or 100-continue) starts a fresh header set.
    ex->response.headers.clear();
    size_t sp = line.find(' ');
    if (sp != std::string::npos) ex->response.status = std::strtol(line.c_str() + sp + 1, nullptr, 10);
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    ex->response.headers[name] = value;
  }
  return size * n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* ex = static_cast<Exchange*>(user);
  if (ex->cancelled && *ex->cancelled && (*ex->cancelled)()) {
    ex->stopped_by_caller = true;
    return 1;  // aborts the transfer
  }
  return 0;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void set_blob(CURL* h, CURLoption option, const std::string& pem) {
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
  curl_easy_setopt(h, option, &blob);
}

// Under TLS 1.3 a server checks the client certificate after the client considers the
// handshake done, so a refusal shows up as a failed send or receive on the first request —
// and when the server's close beats our write, without the TLS alert that would say why.
// Say what most likely happened, given whether we presented a certificate.
std::string tls_refusal_hint(CURLcode rc, bool https, bool have_client_cert) {
  bool dropped = rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_SSL_CONNECT_ERROR;
  if (!https || !dropped) return "";
  return have_client_cert
             ? "; the server closed the TLS connection: it may not trust the client certificate's issuer"
             : "; the server closed the TLS connection: it may require a client certificate, and none is configured";
}

}  // namespace

CurlTransport::CurlTransport(const ClientConfig& config) : tls_(config) { global_init(); }

ApiResult<HttpResponse> CurlTransport::execute(const HttpRequest& request) {
  static const std::function<bool()> never = [] { return false; };
  return stream(request, {}, never);
}

ApiResult<HttpResponse> CurlTransport::stream(const HttpRequest& request,
                                              const std::function<bool(std::string_view)>& on_data,
                                              const std::function<bool()>& cancelled) {
  CurlHandle handle(curl_easy_init());
  if (!handle) return ApiError{0, "Transport", "curl_easy_init failed", {}};
  CURL* h = handle.get();
  Exchange ex;
  ex.on_data = on_data ? &on_data : nullptr;
  ex.cancelled = &cancelled;

  HeaderList headers;
  for (const auto& [name, value] : request.headers) {
    curl_slist* grown = curl_slist_append(headers.get(), (name + ": " + value).c_str());
    if (!grown) return ApiError{0, "Transport", "out of memory building headers", {}};
    headers.release();
    headers.reset(grown);
  }
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &ex);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: safe with threads
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(tls_.connect_timeout.count()));
  const long seconds = std::max<long>(1, static_cast<long>((request.timeout.count() + 999) / 1000));
  if (on_data) {
    // A stream may last for hours; what must not last is silence.
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, seconds);
  } else {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  }
  if (!tls_.ca_data.empty()) set_blob(h, CURLOPT_CAINFO_BLOB, tls_.ca_data);
  else if (!tls_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, tls_.ca_file.c_str());
  if (tls_.insecure_skip_tls_verify) {
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!tls_.client_cert_data.empty()) set_blob(h, CURLOPT_SSLCERT_BLOB, tls_.client_cert_data);
  else if (!tls_.client_cert_file.empty()) curl_easy_setopt(h, CURLOPT_SSLCERT, tls_.client_cert_file.c_str());
  if (!tls_.client_key_data.empty()) set_blob(h, CURLOPT_SSLKEY_BLOB, tls_.client_key_data);
  else if (!tls_.client_key_file.empty()) curl_easy_setopt(h, CURLOPT_SSLKEY, tls_.client_key_file.c_str());

  // curl_easy_strerror alone says "Failure when receiving data from the peer" for a refused
  // client certificate; the error buffer carries the TLS alert that says why.
  char detail[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);

  CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK || (ex.stopped_by_caller && ex.response.status != 0)) return std::move(ex.response);
  if (ex.stopped_by_caller) return ApiError{0, "Cancelled", "request cancelled", {}};
  std::string reason = rc == CURLE_OPERATION_TIMEDOUT ? "Timeout" : "Transport";
  std::string message = curl_easy_strerror(rc);
  if (detail[0] != '\0' && message != detail) message += ": " + std::string(detail);
  if (ex.response.status == 0)
    message += tls_refusal_hint(rc, request.url.rfind("https://", 0) == 0,
                                !tls_.client_cert_data.empty() || !tls_.client_cert_file.empty());
  return ApiError{0, reason, message + " (" + request.method + " " + request.url + ")", {}};
}

}  // namespace peregrine::kube
