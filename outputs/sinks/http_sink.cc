#include "outputs/sinks/http_sink.h"

namespace peregrine::outputs {

Status PayloadFormat::check(const HttpResponse& response) const {
  if (response.status >= 200 && response.status < 300) return {};
  return make_error("HTTP " + std::to_string(response.status) + ": " + response.body.substr(0, 200));
}

HttpSink::HttpSink(HttpEndpoint endpoint, std::unique_ptr<PayloadFormat> format)
    : endpoint_(std::move(endpoint)),
      format_(std::move(format)),
      client_(endpoint_.tls, endpoint_.timeout) {
  headers_ = endpoint_.headers;
  headers_.push_back("Content-Type: " + format_->content_type());
  // curl would otherwise send "Expect: 100-continue" for large bodies and wait a round trip.
  headers_.push_back("Expect:");
}

Status HttpSink::deliver(std::span<const Record> batch) {
  auto response = client_.post(endpoint_.url, headers_, format_->body(batch));
  if (!response.ok()) return response.error();
  return format_->check(*response);
}

}  // namespace peregrine::outputs
