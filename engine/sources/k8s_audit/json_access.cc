#include "engine/sources/k8s_audit/json_access.h"

#include <cassert>

namespace peregrine::engine::k8s_audit {

JsonPath::JsonPath(std::initializer_list<std::string_view> ks) {
  assert(ks.size() <= kMaxKeys && "JsonPath too long; raise kMaxKeys");
  for (std::string_view k : ks) {
    if (size == kMaxKeys) break;
    keys[size++] = k;
  }
}

const Json* json_child(const Json* obj, std::string_view key) {
  if (obj == nullptr || !obj->is_object()) return nullptr;
  // The object comparator is transparent (std::less<>), so a string_view key needs no copy.
  auto it = obj->find(key);
  return it == obj->end() ? nullptr : &*it;
}

const Json* json_at(const Json& root, const JsonPath& path) {
  const Json* cur = &root;
  for (uint8_t i = 0; i < path.size && cur != nullptr; ++i) cur = json_child(cur, path.keys[i]);
  return cur;
}

const Json* json_array_at(const Json& root, const JsonPath& path) {
  const Json* v = json_at(root, path);
  return v != nullptr && v->is_array() ? v : nullptr;
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

const Json* json_pointer_at(const Json& root, std::string_view pointer) {
  if (!is_json_pointer(pointer)) return nullptr;
  const Json* cur = &root;
  std::string key;
  size_t pos = 0;
  while (pos < pointer.size() && cur != nullptr) {
    size_t next = pointer.find('/', pos + 1);
    if (next == std::string_view::npos) next = pointer.size();
    std::string_view token = pointer.substr(pos + 1, next - pos - 1);
    pos = next;
    if (cur->is_object()) {
      if (!unescape_token(token, key)) return nullptr;
      cur = json_child(cur, key);
    } else if (cur->is_array()) {
      auto idx = array_index(token);
      if (!idx || *idx >= cur->size()) return nullptr;
      cur = &(*cur)[*idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

std::string json_dump(const Json& v) {
  return v.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<std::string_view> json_text(const Json& v, Extraction& out) {
  switch (v.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      return std::nullopt;
    case Json::value_t::string:
      return std::string_view(v.get_ref<const std::string&>());
    case Json::value_t::boolean:
      // String literals live forever, so these need no copy.
      return v.get<bool>() ? std::string_view("true") : std::string_view("false");
    default: {
      std::string& buf = out.own_buffer();
      buf = json_dump(v);
      return std::string_view(buf);
    }
  }
}

bool set_json_value(const Json* v, Extraction& out) {
  if (v == nullptr) return false;
  auto text = json_text(*v, out);
  if (!text) return false;
  out.set_string(*text);
  return true;
}

void add_json_item(const Json& v, Extraction& out) {
  if (auto text = json_text(v, out)) out.add_item(*text);
}

void add_json_items(const Json& arr, Extraction& out) {
  if (!arr.is_array()) {
    add_json_item(arr, out);
    return;
  }
  for (const Json& item : arr) add_json_item(item, out);
}

bool finish_list(Extraction& out) {
  if (out.kind() == Extraction::Kind::kList && !out.list().empty()) return true;
  out.reset();
  return false;
}

}  // namespace peregrine::engine::k8s_audit
