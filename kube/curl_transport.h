#pragma once
// Transport over libcurl (easy interface, one handle per call so calls on different threads
// never share state). TLS: CA from file or PEM data, optional skip-verify, client certificate
// and key from files or PEM data. Every call is bounded: connect timeout, whole-request timeout,
// and for streams a longest-silence limit, so nothing waits forever on a dead server.

#include "kube/config.h"
#include "kube/transport.h"

namespace peregrine::kube {

class CurlTransport final : public Transport {
 public:
  // Copies the TLS and timeout parts of `config`. curl_global_init runs once per process.
  explicit CurlTransport(const ClientConfig& config);

  ApiResult<HttpResponse> execute(const HttpRequest& request) override;
  ApiResult<HttpResponse> stream(const HttpRequest& request, const std::function<bool(std::string_view)>& on_data,
                                 const std::function<bool()>& cancelled) override;

 private:
  ClientConfig tls_;
};

}  // namespace peregrine::kube
