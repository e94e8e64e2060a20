#include "outputs/sinks/payload_formats.h"

namespace peregrine::outputs {
namespace {

class WebhookFormat : public PayloadFormat {
 public:
  explicit WebhookFormat(bool batch) : batch_(batch) {}
  size_t max_batch() const override { return batch_ ? 500 : 1; }
  std::string content_type() const override {
    return batch_ ? "application/x-ndjson" : "application/json";
  }
  std::string body(std::span<const Record> batch) const override {
    if (!batch_) return batch.front().json_line();
    std::string out;
    for (const auto& r : batch) {
      out += r.json_line();
      out += '\n';
    }
    return out;
  }

 private:
  const bool batch_;
};

}  // namespace

std::unique_ptr<PayloadFormat> make_webhook_format(bool batch) {
  return std::make_unique<WebhookFormat>(batch);
}

}  // namespace peregrine::outputs
