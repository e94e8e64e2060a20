#pragma once
// Every HTTP sink is the same POST loop around a different payload: the webhook (Falco JSON,
// Falcosidekick-compatible), Slack, Teams, Alertmanager, Loki and Elasticsearch differ only in
// their PayloadFormat (one file each).

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "outputs/core/sink.h"
#include "outputs/sinks/http_client.h"

namespace peregrine::outputs {

struct HttpEndpoint {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  TlsOptions tls;
  std::chrono::milliseconds timeout{10000};
};

class PayloadFormat {
 public:
  virtual ~PayloadFormat() = default;
  virtual size_t max_batch() const = 0;
  virtual std::string content_type() const = 0;
  virtual std::string body(std::span<const Record> batch) const = 0;
  // Judges the answer; the default accepts any 2xx.
  virtual Status check(const HttpResponse& response) const;
};

class HttpSink : public Sink {
 public:
  HttpSink(HttpEndpoint endpoint, std::unique_ptr<PayloadFormat> format);

  size_t max_batch() const override { return format_->max_batch(); }
  Status deliver(std::span<const Record> batch) override;
  void reopen() override { client_.reset(); }

 private:
  HttpEndpoint endpoint_;
  std::unique_ptr<PayloadFormat> format_;
  std::vector<std::string> headers_;  // endpoint headers plus Content-Type
  HttpClient client_;
};

}  // namespace peregrine::outputs
