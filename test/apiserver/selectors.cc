#include "test/apiserver/selectors.h"

#include <cctype>

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

// Splits on commas that are not inside a parenthesised value set.
std::vector<std::string> split_terms(const std::string& text) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (char c : text) {
    if (c == '(') depth++;
    if (c == ')') depth--;
    if (c == ',' && depth == 0) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!trim(cur).empty()) out.push_back(trim(cur));
  return out;
}

std::optional<Requirement> parse_set_term(const std::string& term, const std::string& word, Requirement::Op op) {
  size_t pos = term.find(" " + word + " ");
  if (pos == std::string::npos) return std::nullopt;
  Requirement r;
  r.key = trim(term.substr(0, pos));
  std::string rest = trim(term.substr(pos + word.size() + 2));
  if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') return std::nullopt;
  for (const auto& v : split_terms(rest.substr(1, rest.size() - 2))) r.values.insert(v);
  r.op = op;
  return r;
}

std::optional<Requirement> parse_term(const std::string& term, bool allow_sets) {
  Requirement r;
  if (allow_sets) {
    if (auto in = parse_set_term(term, "notin", Requirement::Op::kNotIn)) return in;
    if (auto in = parse_set_term(term, "in", Requirement::Op::kIn)) return in;
  }
  size_t pos;
  if ((pos = term.find("!=")) != std::string::npos) {
    r.op = Requirement::Op::kNotEquals;
    r.key = trim(term.substr(0, pos));
    r.values.insert(trim(term.substr(pos + 2)));
  } else if ((pos = term.find("==")) != std::string::npos) {
    r.key = trim(term.substr(0, pos));
    r.values.insert(trim(term.substr(pos + 2)));
  } else if ((pos = term.find('=')) != std::string::npos) {
    r.key = trim(term.substr(0, pos));
    r.values.insert(trim(term.substr(pos + 1)));
  } else if (allow_sets && !term.empty() && term[0] == '!') {
    r.op = Requirement::Op::kNotExists;
    r.key = trim(term.substr(1));
  } else if (allow_sets) {
    r.op = Requirement::Op::kExists;
    r.key = term;
  } else {
    return std::nullopt;
  }
  if (r.key.empty()) return std::nullopt;
  for (char c : r.key)
    if (std::isspace(static_cast<unsigned char>(c))) return std::nullopt;
  return r;
}


bool satisfied(const Requirement& r, const std::optional<std::string>& value) {
  switch (r.op) {
    case Requirement::Op::kEquals:
    case Requirement::Op::kIn:
      return value && r.values.count(*value);
    case Requirement::Op::kNotEquals:
    case Requirement::Op::kNotIn:
      return !value || !r.values.count(*value);
    case Requirement::Op::kExists:
      return value.has_value();
    case Requirement::Op::kNotExists:
      return !value.has_value();
  }
  return false;
}

std::optional<std::string> field_value(const json& object, const std::string& path) {
  const json* cur = &object;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(part)) return std::nullopt;
    cur = &(*cur)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (cur->is_string()) return cur->get<std::string>();
  if (cur->is_boolean()) return cur->get<bool>() ? "true" : "false";
  if (cur->is_number()) return cur->dump();
  return std::nullopt;
}

}  // namespace

std::optional<Selector> Selector::parse_labels(const std::string& text) {
  Selector s;
  for (const auto& term : split_terms(text)) {
    auto r = parse_term(term, true);
    if (!r) return std::nullopt;
    s.reqs_.push_back(*r);
  }
  return s;
}

std::optional<Selector> Selector::parse_fields(const std::string& text) {
  Selector s;
  for (const auto& term : split_terms(text)) {
    auto r = parse_term(term, false);
    if (!r) return std::nullopt;
    s.reqs_.push_back(*r);
  }
  return s;
}

bool Selector::matches_labels(const json& object) const {
  const json labels = object["metadata"].value("labels", json::object());
  for (const auto& r : reqs_) {
    std::optional<std::string> v;
    if (labels.contains(r.key) && labels[r.key].is_string()) v = labels[r.key].get<std::string>();
    if (!satisfied(r, v)) return false;
  }
  return true;
}

bool Selector::matches_fields(const json& object) const {
  for (const auto& r : reqs_) {
    auto v = field_value(object, r.key);
    // A missing metadata.namespace on a cluster-scoped object compares as "".
    if (!v && r.key == "metadata.namespace") v = "";
    if (!satisfied(r, v)) return false;
  }
  return true;
}

}  // namespace peregrine::apiserver
