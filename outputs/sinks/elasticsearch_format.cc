#include "outputs/sinks/payload_formats.h"

#include <ctime>

#include <nlohmann/json.hpp>

namespace peregrine::outputs {
namespace {

std::string index_for(const std::string& pattern, uint64_t time_ns) {
  std::time_t secs = static_cast<std::time_t>(time_ns / 1000000000ULL);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[256];
  size_t n = std::strftime(buf, sizeof buf, pattern.c_str(), &utc);
  return n == 0 ? pattern : std::string(buf, n);
}

class ElasticsearchFormat : public PayloadFormat {
 public:
  explicit ElasticsearchFormat(std::string pattern) : pattern_(std::move(pattern)) {}
  size_t max_batch() const override { return 500; }
  std::string content_type() const override { return "application/x-ndjson"; }
  std::string body(std::span<const Record> batch) const override {
    std::string out;
    for (const auto& r : batch) {
      nlohmann::json action = {{"index", {{"_index", index_for(pattern_, r.time_ns)}}}};
      out += action.dump();
      out += '\n';
      // Elasticsearch wants a timestamp field it can map as a date.
      nlohmann::ordered_json doc = r.json;
      doc["@timestamp"] = r.json.value("time", "");
      out += doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
      out += '\n';
    }
    return out;
  }
  // The bulk API answers 200 even when items failed; "errors": true says some did.
  Status check(const HttpResponse& response) const override {
    if (auto st = PayloadFormat::check(response); !st) return st;
    auto parsed = nlohmann::json::parse(response.body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
      return make_error("elasticsearch: bulk answer is not a JSON object");
    if (parsed.value("errors", false)) return make_error("elasticsearch: some bulk items failed");
    return {};
  }

 private:
  const std::string pattern_;
};

}  // namespace

std::unique_ptr<PayloadFormat> make_elasticsearch_format(std::string index_pattern) {
  return std::make_unique<ElasticsearchFormat>(std::move(index_pattern));
}

}  // namespace peregrine::outputs
