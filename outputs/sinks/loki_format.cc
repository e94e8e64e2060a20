#include "outputs/sinks/payload_formats.h"

#include <map>

#include <nlohmann/json.hpp>

namespace peregrine::outputs {
namespace {

class LokiFormat : public PayloadFormat {
 public:
  explicit LokiFormat(std::vector<std::pair<std::string, std::string>> labels)
      : labels_(std::move(labels)) {}
  size_t max_batch() const override { return 500; }
  std::string content_type() const override { return "application/json"; }
  std::string body(std::span<const Record> batch) const override {
    // One stream per distinct label set, values in arrival order within each.
    std::map<std::string, std::pair<nlohmann::json, nlohmann::json>> streams;
    for (const auto& r : batch) {
      nlohmann::json stream = nlohmann::json::object();
      for (const auto& [k, v] : labels_) stream[sanitize_label_name(k)] = v;
      stream["rule"] = r.rule;
      stream["priority"] = std::string(engine::priority_name(r.priority));
      stream["source"] = r.source;
      std::string host = r.json.value("hostname", "");
      if (!host.empty()) stream["hostname"] = host;
      auto& slot = streams[stream.dump()];
      if (slot.first.is_null()) slot = {stream, nlohmann::json::array()};
      slot.second.push_back({std::to_string(r.time_ns), r.json_line()});
    }
    nlohmann::json out = {{"streams", nlohmann::json::array()}};
    for (auto& [key, s] : streams) out["streams"].push_back({{"stream", s.first}, {"values", s.second}});
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

 private:
  const std::vector<std::pair<std::string, std::string>> labels_;
};

}  // namespace

std::unique_ptr<PayloadFormat> make_loki_format(std::vector<std::pair<std::string, std::string>> labels) {
  return std::make_unique<LokiFormat>(std::move(labels));
}

}  // namespace peregrine::outputs
