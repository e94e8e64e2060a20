#pragma once
// Read-only, non-throwing access to the JSON of an audit event, and the rules by which a JSON
// value becomes field text. Every k8s_audit extractor goes through these, so none of them can
// throw on a malformed or unexpected event: a missing key, a wrong type or a bad pointer is
// simply "no value".

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/values/extraction.h"

namespace peregrine::engine::k8s_audit {

using Json = nlohmann::json;

// A fixed path of object keys, e.g. {"requestObject", "spec", "hostNetwork"}. Stored inline so
// the field table needs no allocation per field and a lookup none per event.
struct JsonPath {
  static constexpr size_t kMaxKeys = 5;
  std::array<std::string_view, kMaxKeys> keys{};
  uint8_t size = 0;

  JsonPath() = default;
  JsonPath(std::initializer_list<std::string_view> ks);  // asserts ks.size() <= kMaxKeys
};

// The member `key` of `obj`, or nullptr when obj is null, not an object, or lacks the key.
const Json* json_child(const Json* obj, std::string_view key);
// Follows `path` from `root`; nullptr as soon as a step is missing.
const Json* json_at(const Json& root, const JsonPath& path);
// The array at `path`, or nullptr when it is missing or not an array.
const Json* json_array_at(const Json& root, const JsonPath& path);

// Resolves an RFC 6901 JSON pointer ("" is the whole document, "/a/0/b~1c" walks keys and array
// indexes). nullptr when the pointer is malformed or names nothing.
const Json* json_pointer_at(const Json& root, std::string_view pointer);
// True when `pointer` is syntactically a JSON pointer ("" or starting with '/', escapes valid).
bool is_json_pointer(std::string_view pointer);

// Compact JSON text of `v`. Never throws: invalid UTF-8 (which the parser already rejects) would
// be replaced rather than raise.
std::string json_dump(const Json& v);

// The text a rule sees for a JSON value: a string as is (a view into the event), a boolean as
// "true"/"false", a number or container as compact JSON copied into `out`'s own buffers.
// nullopt for JSON null, which Kubernetes writes for "not set".
std::optional<std::string_view> json_text(const Json& v, Extraction& out);

// Sets `out` to the text of `v` (see json_text); false when `v` is null.
bool set_json_value(const Json* v, Extraction& out);
// Adds the text of `v` as a list item; does nothing for null.
void add_json_item(const Json& v, Extraction& out);
// Adds every element of the array `arr` as an item (non-arrays add themselves).
void add_json_items(const Json& arr, Extraction& out);
// Ends a list extraction: true when it has at least one item; otherwise clears `out`, because a
// multi-valued field with no values is a missing field, as Falco treats it.
bool finish_list(Extraction& out);

}  // namespace peregrine::engine::k8s_audit
