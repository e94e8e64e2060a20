#pragma once
// A blocking HTTP(S) client over one libcurl easy handle (RAII-owned), kept between requests so
// connections are reused. TLS: a CA bundle to trust, a client certificate and key for mutual
// TLS. Every request is bounded by `timeout`. Not thread-safe: one per sink worker.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"

namespace peregrine::outputs {

struct TlsOptions {
  std::string ca_file;    // trust only this CA (PEM); empty: the system store
  std::string cert_file;  // client certificate (PEM) for mutual TLS
  std::string key_file;   // its private key (PEM)
  bool insecure_skip_verify = false;
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

class HttpClient {
 public:
  HttpClient(TlsOptions tls, std::chrono::milliseconds timeout);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Fails on transport errors only; the caller judges the status code.
  Result<HttpResponse> post(const std::string& url, const std::vector<std::string>& headers,
                            const std::string& body);
  // Drops the kept connection (next request reconnects).
  void reset();

 private:
  struct CurlDeleter {
    void operator()(void* handle) const;
  };
  TlsOptions tls_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<void, CurlDeleter> curl_;
};


}  // namespace peregrine::outputs
