#include "engine/rules/exception_condition.h"

#include "engine/condition/parser.h"

namespace peregrine::engine {
namespace {

// Falco quotes values that hold a blank (unless they bring their own quotes). Quotes and
// backslashes inside are escaped, so the value reaches the check exactly as written.
std::string quote_if_blank(std::string v) {
  if (v.empty()) return "\"\"";  // an empty value is the empty string, not a missing operand
  if (v.find(' ') == std::string::npos || v[0] == '"' || v[0] == '\'') return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

std::string paren(std::string v) { return !v.empty() && v[0] == '(' ? v : "(" + v + ")"; }

}  // namespace

std::vector<std::string> exception_fields(const ExceptionInfo& ex) {
  std::vector<std::string> out;
  if (!ex.fields) return out;
  if (!ex.fields->is_list) out.push_back(ex.fields->item);
  for (const auto& f : ex.fields->items) out.push_back(f.item);
  return out;
}

Result<std::string> exception_condition(const ExceptionInfo& ex) {
  const ExceptionValue& fields = *ex.fields;
  const ExceptionValue& comps = *ex.comps;
  std::string cond;
  if (!fields.is_list) {
    for (const auto& v : ex.values) {
      if (v.is_list) {
        return make_error("exception '" + ex.name + "': with a single field, values must be a list of strings");
      }
      cond += cond.empty() ? "(" + fields.item + " " + comps.item + " (" : ", ";
      cond += quote_if_blank(v.item);
    }
    if (!cond.empty()) cond += "))";
    return cond;
  }
  for (const auto& tuple : ex.values) {
    if (!tuple.is_list || tuple.items.size() != fields.items.size()) {
      return make_error("exception '" + ex.name + "': each value must be a list with one entry per field (" +
                        std::to_string(fields.items.size()) + ")");
    }
    cond += cond.empty() ? "(" : " or ";
    cond += "(";
    for (size_t k = 0; k < fields.items.size(); ++k) {
      const ExceptionValue& v = tuple.items[k];
      const std::string& op = comps.items[k].item;
      std::string rhs;
      if (v.is_list) {
        rhs = "(";
        for (size_t i = 0; i < v.items.size(); ++i) {
          if (i) rhs += ", ";
          rhs += quote_if_blank(v.items[i].item);
        }
        rhs += ")";
      } else {
        rhs = is_list_operator(op) ? paren(v.item) : quote_if_blank(v.item);
      }
      if (k) cond += " and ";
      cond += fields.items[k].item + " " + op + " " + rhs;
    }
    cond += ")";
  }
  if (!cond.empty()) cond += ")";
  return cond;
}

}  // namespace peregrine::engine
