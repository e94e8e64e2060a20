#include "outputs/sinks/payload_formats.h"

#include <nlohmann/json.hpp>

namespace peregrine::outputs {
namespace {

std::string theme_color(engine::Priority p) {
  using engine::Priority;
  if (p <= Priority::kError) return "E01E5A";
  if (p == Priority::kWarning) return "ECB22E";
  return "2EB67D";
}

// The legacy connector card ("MessageCard"), which Teams incoming webhooks accept.
class TeamsFormat : public PayloadFormat {
 public:
  size_t max_batch() const override { return 1; }
  std::string content_type() const override { return "application/json"; }
  std::string body(std::span<const Record> batch) const override {
    const Record& r = batch.front();
    nlohmann::json facts = nlohmann::json::array();
    auto fact = [&](const std::string& name, const std::string& value) {
      facts.push_back({{"name", name}, {"value", value}});
    };
    fact("rule", r.rule);
    fact("priority", std::string(engine::priority_name(r.priority)));
    fact("source", r.source);
    fact("hostname", r.json.value("hostname", ""));
    fact("time", r.json.value("time", ""));
    std::string tags;
    for (const auto& t : r.tags) tags += (tags.empty() ? "" : ", ") + t;
    if (!tags.empty()) fact("tags", tags);
    nlohmann::json card = {
        {"@type", "MessageCard"},
        {"@context", "https://schema.org/extensions"},
        {"summary", r.rule},
        {"themeColor", theme_color(r.priority)},
        {"title", std::string(engine::priority_name(r.priority)) + ": " + r.rule},
        {"text", r.text},
        {"sections", {{{"activityTitle", "Peregrine"}, {"facts", facts}}}}};
    return card.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
};

}  // namespace

std::unique_ptr<PayloadFormat> make_teams_format() { return std::make_unique<TeamsFormat>(); }

}  // namespace peregrine::outputs
