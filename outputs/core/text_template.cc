#include "outputs/core/text_template.h"

#include <array>
#include <string_view>

namespace peregrine::outputs {
namespace {

constexpr std::array<std::string_view, 7> kTopFields = {"rule",   "priority", "source", "hostname",
                                                       "time",   "output",   "message"};

std::string scalar_text(const nlohmann::ordered_json& v) {
  if (v.is_null()) return "<NA>";
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

Result<TextTemplate> TextTemplate::compile(const std::string& text) {
  TextTemplate t;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) t.segments_.push_back({Kind::kLiteral, std::move(literal)});
    literal.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') { literal += text[i]; continue; }
    if (i + 1 < text.size() && text[i + 1] == '$') { literal += '$'; ++i; continue; }
    if (i + 1 >= text.size() || text[i + 1] != '{') { literal += '$'; continue; }
    size_t close = text.find('}', i + 2);
    if (close == std::string::npos)
      return make_error("template: unclosed '${' at offset " + std::to_string(i));
    std::string name = text.substr(i + 2, close - i - 2);
    flush();
    if (name == "tags") {
      t.segments_.push_back({Kind::kTags, ""});
    } else if (name.starts_with("field.") && name.size() > 6) {
      t.segments_.push_back({Kind::kOutputField, name.substr(6)});
    } else {
      bool known = false;
      for (auto f : kTopFields) known = known || f == name;
      if (!known)
        return make_error("template: unknown placeholder '${" + name +
                          "}' (known: rule, priority, source, hostname, time, output, message, "
                          "tags, field.NAME)");
      t.segments_.push_back({Kind::kTopField, std::move(name)});
    }
    i = close;
  }
  flush();
  return t;
}

std::string TextTemplate::render(const nlohmann::ordered_json& alert) const {
  std::string out;
  for (const auto& s : segments_) {
    switch (s.kind) {
      case Kind::kLiteral: out += s.text; break;
      case Kind::kTopField: {
        auto it = alert.find(s.text);
        out += it == alert.end() ? "<NA>" : scalar_text(*it);
        break;
      }
      case Kind::kTags: {
        auto it = alert.find("tags");
        if (it == alert.end() || !it->is_array()) break;
        for (size_t k = 0; k < it->size(); ++k) {
          if (k) out += ',';
          out += scalar_text((*it)[k]);
        }
        break;
      }
      case Kind::kOutputField: {
        auto fields = alert.find("output_fields");
        if (fields == alert.end() || !fields->is_object()) { out += "<NA>"; break; }
        auto it = fields->find(s.text);
        out += it == fields->end() ? "<NA>" : scalar_text(*it);
        break;
      }
    }
  }
  return out;
}

}  // namespace peregrine::outputs
