#include "outputs/sinks/payload_formats.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace peregrine::outputs {

std::string sanitize_label_name(const std::string& name) {
  std::string out;
  for (char c : name) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out.insert(0, "_");
  return out;
}

namespace {

class AlertmanagerFormat : public PayloadFormat {
 public:
  AlertmanagerFormat(std::vector<std::string> label_fields, int expire_after_seconds)
      : label_fields_(std::move(label_fields)), expire_after_ns_(uint64_t(expire_after_seconds) * 1000000000ULL) {}

  size_t max_batch() const override { return 100; }  // the API takes an array
  std::string content_type() const override { return "application/json"; }
  std::string body(std::span<const Record> batch) const override {
    nlohmann::json alerts = nlohmann::json::array();
    for (const auto& r : batch) {
      nlohmann::json labels = {{"alertname", r.rule},
                               {"rule", r.rule},
                               {"priority", std::string(engine::priority_name(r.priority))},
                               {"source", r.source}};
      std::string host = r.json.value("hostname", "");
      if (!host.empty()) labels["hostname"] = host;
      std::string tags;
      for (const auto& t : r.tags) tags += (tags.empty() ? "" : ",") + t;
      if (!tags.empty()) labels["tags"] = tags;
      const auto& fields = r.json["output_fields"];
      for (const auto& name : label_fields_) {
        auto it = fields.find(name);
        // Alertmanager treats an empty label as absent; a null field is simply not a label.
        if (it == fields.end() || it->is_null()) continue;
        std::string value = it->is_string() ? it->get<std::string>() : it->dump();
        if (!value.empty()) labels[sanitize_label_name(name)] = value;
      }
      alerts.push_back({{"labels", labels},
                        {"annotations", {{"summary", r.rule}, {"description", r.text}}},
                        {"startsAt", format_rfc3339_nanos(r.time_ns)},
                        // An alert is an event, not a state: let it resolve by itself.
                        {"endsAt", format_rfc3339_nanos(r.time_ns + expire_after_ns_)}});
    }
    return alerts.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

 private:
  const std::vector<std::string> label_fields_;
  const uint64_t expire_after_ns_;
};

}  // namespace

std::unique_ptr<PayloadFormat> make_alertmanager_format(std::vector<std::string> label_fields,
                                                        int expire_after_seconds) {
  return std::make_unique<AlertmanagerFormat>(std::move(label_fields), expire_after_seconds);
}

}  // namespace peregrine::outputs
