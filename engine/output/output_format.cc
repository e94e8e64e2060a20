#include "engine/output/output_format.h"

#include <cctype>

#include "engine/condition/parser.h"

namespace peregrine::engine {
namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// The end of a parenthesised group starting at text[open] == '(' (brackets may nest).
size_t matching_paren(const std::string& text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) return i;
  }
  return std::string::npos;
}

}  // namespace

std::optional<OutputFormat> OutputFormat::compile(const std::string& text,
                                                  ConditionCompiler& compiler, OutputError& error) {
  OutputFormat out;
  compiler.reset_error();
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) out.segments_.push_back(Segment{std::move(literal), std::nullopt});
    literal.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c != '%') {
      literal += c;
      ++i;
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '%') {
      literal += '%';
      i += 2;
      continue;
    }
    size_t start = i + 1;
    size_t end = start;
    std::string expr;
    if (start < text.size() && text[start] == '(') {
      end = matching_paren(text, start);
      if (end == std::string::npos) {
        error = OutputError{"'%(' is not closed", static_cast<uint32_t>(i)};
        return std::nullopt;
      }
      expr = text.substr(start + 1, end - start - 1);
      ++end;
    } else {
      while (end < text.size() && is_name_char(text[end])) ++end;
      while (end > start && text[end - 1] == '.') --end;  // "%proc.name." ends a sentence
      if (end < text.size() && text[end] == '(') {
        // %tolower(proc.name)
        size_t close = matching_paren(text, end);
        if (close == std::string::npos) {
          error = OutputError{"'(' is not closed", static_cast<uint32_t>(end)};
          return std::nullopt;
        }
        end = close + 1;
      } else if (end < text.size() && text[end] == '[') {
        size_t close = text.find(']', end);
        if (close == std::string::npos) {
          error = OutputError{"'[' is not closed", static_cast<uint32_t>(end)};
          return std::nullopt;
        }
        end = close + 1;
      }
      expr = text.substr(start, end - start);
    }
    if (expr.empty()) {
      literal += '%';  // a lone percent sign is text
      ++i;
      continue;
    }
    auto parsed = parse_condition(expr + " exists");
    if (!parsed.ok() || parsed.node()->kind != ast::NodeKind::kCheck) {
      error = OutputError{"invalid field reference '%" + text.substr(start, end - start) + "'",
                          static_cast<uint32_t>(i)};
      return std::nullopt;
    }
    ast::FieldExpr field = parsed.node()->field;
    field.pos = static_cast<uint32_t>(i);
    auto slot = compiler.intern_field(field);
    if (!slot) {
      error = OutputError{compiler.error().message, static_cast<uint32_t>(i + 1)};
      return std::nullopt;
    }
    flush();
    out.segments_.push_back(Segment{{}, *slot});
    std::string key = expr;
    bool seen = false;
    for (const auto& f : out.fields_) seen = seen || f.slot == *slot;
    if (!seen) out.fields_.push_back(FieldKey{std::move(key), *slot});
    i = end;
  }
  flush();
  return out;
}

std::string OutputFormat::render(EvalContext& ctx) const {
  std::string out;
  for (const auto& s : segments_) {
    if (!s.slot) {
      out += s.text;
      continue;
    }
    const Extraction* v = ctx.value(*s.slot);
    out += v ? v->to_string() : "<NA>";
  }
  return out;
}

}  // namespace peregrine::engine
