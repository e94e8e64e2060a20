#pragma once
// A sink's optional text template, compiled once from config. Placeholders:
//   ${rule} ${priority} ${source} ${hostname} ${time} ${output} ${message} ${tags}
//   ${field.NAME}   an output field (custom fields included); "<NA>" when absent or null
// `$$` is a literal dollar. An unknown placeholder or an unclosed `${` is a config error, so a
// typo is reported at load time instead of rendering blanks forever.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace peregrine::outputs {

class TextTemplate {
 public:
  static Result<TextTemplate> compile(const std::string& text);

  // `alert_json` is the alert as Record::json holds it.
  std::string render(const nlohmann::ordered_json& alert_json) const;

 private:
  enum class Kind { kLiteral, kTopField, kTags, kOutputField };
  struct Segment {
    Kind kind;
    std::string text;  // the literal, or the JSON key / output field name
  };
  std::vector<Segment> segments_;
};

}  // namespace peregrine::outputs
