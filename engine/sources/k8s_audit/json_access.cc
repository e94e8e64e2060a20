#include "engine/sources/k8s_audit/json_access.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace peregrine::engine::k8s_audit {

namespace dom = simdjson::dom;

JsonPath::JsonPath(std::initializer_list<std::string_view> ks) {
  assert(ks.size() <= kMaxKeys && "JsonPath too long; raise kMaxKeys");
  for (std::string_view k : ks) {
    if (size == kMaxKeys) break;
    keys[size++] = k;
  }
}

std::optional<std::string_view> JsonValue::string() const {
  if (!is_string()) return std::nullopt;
  return element_.get_string().value_unsafe();
}

bool JsonValue::is_true() const { return is_bool() && element_.get_bool().value_unsafe(); }

JsonValue JsonValue::operator[](std::string_view key) const {
  if (!is_object()) return {};
  JsonValue found;
  // Not obj.at_key(): it returns the first of repeated keys, and the old DOM kept the last.
  dom::object obj = element_.get_object().value_unsafe();
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (it.key_equals(key)) found = JsonValue(it.value());
  }
  return found;
}

JsonValue JsonValue::at(size_t index) const {
  if (!is_array()) return {};
  dom::array arr = element_.get_array().value_unsafe();
  size_t i = 0;
  for (dom::element e : arr) {
    if (i++ == index) return JsonValue(e);
  }
  return {};
}

size_t JsonValue::size() const {
  if (!is_array()) return 0;
  dom::array arr = element_.get_array().value_unsafe();
  return arr.size();
}

JsonItems JsonValue::items() const {
  if (!is_array()) return {};
  return JsonItems(element_.get_array().value_unsafe());
}

const char* JsonValue::type_name() const {
  if (!present_) return "null";
  switch (element_.type()) {
    case dom::element_type::ARRAY: return "array";
    case dom::element_type::OBJECT: return "object";
    case dom::element_type::STRING: return "string";
    case dom::element_type::BOOL: return "boolean";
    case dom::element_type::NULL_VALUE: return "null";
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE: return "number";
  }
  return "null";
}

JsonValue json_at(JsonValue root, const JsonPath& path) {
  JsonValue cur = root;
  for (uint8_t i = 0; i < path.size && cur; ++i) cur = cur[path.keys[i]];
  return cur;
}

JsonValue json_array_at(JsonValue root, const JsonPath& path) {
  JsonValue v = json_at(root, path);
  return v.is_array() ? v : JsonValue();
}

namespace {

// Undoes RFC 6901 escaping of one reference token; false on a '~' not followed by 0 or 1.
bool unescape_token(std::string_view token, std::string& out) {
  out.clear();
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '~') {
      out.push_back(token[i]);
      continue;
    }
    if (i + 1 >= token.size()) return false;
    char next = token[++i];
    if (next == '0') {
      out.push_back('~');
    } else if (next == '1') {
      out.push_back('/');
    } else {
      return false;
    }
  }
  return true;
}

// An array index token: "0" or digits without a leading zero, small enough to be an index.
std::optional<size_t> array_index(std::string_view token) {
  if (token.empty() || token.size() > 18) return std::nullopt;
  if (token.size() > 1 && token[0] == '0') return std::nullopt;
  size_t n = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

// nlohmann's string escaping with ensure_ascii off: the two JSON specials, the short escapes,
// other control characters as \u00xx (lower-case hex); every other byte as is.
void append_escaped(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

template <typename Int>
void append_integer(Int n, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  (void)ec;  // 24 characters hold any 64-bit integer
  out.append(buf, end);
}

void append_element(dom::element e, std::string& out);

void append_object(dom::object obj, std::string& out) {
  // Sorted as std::map sorted them; a stable sort keeps repeated keys in document order, so
  // the last of each run is the one the old DOM kept.
  std::vector<std::pair<std::string_view, dom::element>> members;
  members.reserve(obj.size());
  for (auto it = obj.begin(); it != obj.end(); ++it) members.emplace_back(it.key(), it.value());
  std::stable_sort(members.begin(), members.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  out.push_back('{');
  bool first = true;
  for (size_t i = 0; i < members.size(); ++i) {
    if (i + 1 < members.size() && members[i + 1].first == members[i].first) continue;
    if (!first) out.push_back(',');
    first = false;
    append_escaped(members[i].first, out);
    out.push_back(':');
    append_element(members[i].second, out);
  }
  out.push_back('}');
}

void append_element(dom::element e, std::string& out) {
  switch (e.type()) {
    case dom::element_type::ARRAY: {
      out.push_back('[');
      bool first = true;
      dom::array arr = e.get_array().value_unsafe();
      for (dom::element item : arr) {
        if (!first) out.push_back(',');
        first = false;
        append_element(item, out);
      }
      out.push_back(']');
      return;
    }
    case dom::element_type::OBJECT: {
      dom::object obj = e.get_object().value_unsafe();
      append_object(obj, out);
      return;
    }
    case dom::element_type::STRING:
      append_escaped(e.get_string().value_unsafe(), out);
      return;
    case dom::element_type::INT64:
      append_integer(e.get_int64().value_unsafe(), out);
      return;
    case dom::element_type::UINT64:
      append_integer(e.get_uint64().value_unsafe(), out);
      return;
    case dom::element_type::DOUBLE:
      // Shortest round-trip form with nlohmann's own rules ("1.0", "1e+100"); rare in audit
      // events, so borrowing its formatter costs nothing that matters.
      out += nlohmann::json(e.get_double().value_unsafe()).dump();
      return;
    case dom::element_type::BOOL:
      out += e.get_bool().value_unsafe() ? "true" : "false";
      return;
    case dom::element_type::NULL_VALUE:
      out += "null";
      return;
  }
}

}  // namespace

bool is_json_pointer(std::string_view pointer) {
  if (pointer.empty()) return true;
  if (pointer.front() != '/') return false;
  for (size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] != '~') continue;
    if (i + 1 >= pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) return false;
  }
  return true;
}

JsonValue json_pointer_at(JsonValue root, std::string_view pointer) {
  if (!is_json_pointer(pointer)) return {};
  JsonValue cur = root;
  std::string key;
  size_t pos = 0;
  while (pos < pointer.size() && cur) {
    size_t next = pointer.find('/', pos + 1);
    if (next == std::string_view::npos) next = pointer.size();
    std::string_view token = pointer.substr(pos + 1, next - pos - 1);
    pos = next;
    if (cur.is_object()) {
      if (!unescape_token(token, key)) return {};
      cur = cur[key];
    } else if (cur.is_array()) {
      auto idx = array_index(token);
      if (!idx) return {};
      cur = cur.at(*idx);
    } else {
      return {};
    }
  }
  return cur;
}

void append_json(JsonValue v, std::string& out) {
  if (v) append_element(v.element(), out);
}

std::string json_dump(JsonValue v) {
  std::string out;
  append_json(v, out);
  return out;
}

std::optional<std::string_view> json_text(JsonValue v, Extraction& out) {
  if (!v || v.is_null()) return std::nullopt;
  if (auto s = v.string()) return s;
  // String literals live forever, so these need no copy.
  if (v.is_bool()) return v.is_true() ? std::string_view("true") : std::string_view("false");
  std::string& buf = out.own_buffer();
  append_json(v, buf);
  return std::string_view(buf);
}

bool set_json_value(JsonValue v, Extraction& out) {
  auto text = json_text(v, out);
  if (!text) return false;
  out.set_string(*text);
  return true;
}

void add_json_item(JsonValue v, Extraction& out) {
  if (auto text = json_text(v, out)) out.add_item(*text);
}

void add_json_items(JsonValue arr, Extraction& out) {
  if (!arr.is_array()) {
    add_json_item(arr, out);
    return;
  }
  for (JsonValue item : arr.items()) add_json_item(item, out);
}

bool finish_list(Extraction& out) {
  if (out.kind() == Extraction::Kind::kList && !out.list().empty()) return true;
  out.reset();
  return false;
}

}  // namespace peregrine::engine::k8s_audit
