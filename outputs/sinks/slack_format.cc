#include "outputs/sinks/payload_formats.h"

#include <nlohmann/json.hpp>

namespace peregrine::outputs {
namespace {

// Slack attachment colours by severity: red for the top three, orange, yellow, then grey.
std::string color_for(engine::Priority p) {
  using engine::Priority;
  if (p <= Priority::kCritical) return "#e01e5a";
  if (p == Priority::kError) return "#ff5400";
  if (p == Priority::kWarning) return "#ecb22e";
  if (p == Priority::kNotice) return "#2eb67d";
  return "#a0a0a0";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

class SlackFormat : public PayloadFormat {
 public:
  SlackFormat(std::string username, std::string channel)
      : username_(std::move(username)), channel_(std::move(channel)) {}
  size_t max_batch() const override { return 1; }  // one message per incoming-webhook call
  std::string content_type() const override { return "application/json"; }
  std::string body(std::span<const Record> batch) const override {
    const Record& r = batch.front();
    nlohmann::json fields = nlohmann::json::array();
    auto field = [&](const std::string& title, const std::string& value, bool short_field) {
      fields.push_back({{"title", title}, {"value", value}, {"short", short_field}});
    };
    field("rule", r.rule, true);
    field("priority", std::string(engine::priority_name(r.priority)), true);
    field("source", r.source, true);
    field("hostname", r.json.value("hostname", ""), true);
    if (!r.tags.empty()) field("tags", join(r.tags), false);
    nlohmann::json msg = {
        {"text", r.text},
        {"attachments",
         {{{"fallback", r.text}, {"color", color_for(r.priority)}, {"fields", fields},
           {"footer", "peregrine"}, {"ts", r.time_ns / 1000000000ULL}}}}};
    if (!username_.empty()) msg["username"] = username_;
    if (!channel_.empty()) msg["channel"] = channel_;
    return msg.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

 private:
  const std::string username_;
  const std::string channel_;
};

}  // namespace

std::unique_ptr<PayloadFormat> make_slack_format(std::string username, std::string channel) {
  return std::make_unique<SlackFormat>(std::move(username), std::move(channel));
}

}  // namespace peregrine::outputs
