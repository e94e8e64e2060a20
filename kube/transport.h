#pragma once
// The HTTP transport under the client: one request/response exchange, or one streamed response
// (watch). An interface so tests and benchmarks can swap it; CurlTransport is the real one.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kube/api_result.h"

namespace peregrine::kube {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  // whole exchange; for streams: longest silence
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;                             // for streams: only when status is not 2xx
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Errors are transport failures only (http_status 0); any HTTP status is a response.
  virtual ApiResult<HttpResponse> execute(const HttpRequest& request) = 0;
  // Delivers a 2xx body to `on_data` as it arrives. Ends when the server closes, when on_data
  // returns false, when `cancelled` returns true (polled at least every 100 ms), or after
  // request.timeout of silence (an error). Thread-safe across distinct calls.
  virtual ApiResult<HttpResponse> stream(const HttpRequest& request,
                                         const std::function<bool(std::string_view)>& on_data,
                                         const std::function<bool()>& cancelled) = 0;
};

}  // namespace peregrine::kube
