#pragma once
// Read-only, non-throwing access to the JSON of an audit event, and the rules by which a JSON
// value becomes field text. Every k8s_audit extractor goes through these, so none of them can
// throw on a malformed or unexpected event: a missing key, a wrong type or a bad pointer is
// simply "no value".
//
// Values live in a simdjson document (parsed once per payload, see audit_event.h). Where the
// document could say two things, these readers answer as the nlohmann::json DOM the source used
// before did, so rules and outputs see the same text: the last of duplicate keys wins, and
// objects serialise with their keys sorted.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "engine/values/extraction.h"

namespace peregrine::engine::k8s_audit {

// A fixed path of object keys, e.g. {"requestObject", "spec", "hostNetwork"}. Stored inline so
// the field table needs no allocation per field and a lookup none per event.
struct JsonPath {
  static constexpr size_t kMaxKeys = 5;
  std::array<std::string_view, kMaxKeys> keys{};
  uint8_t size = 0;

  JsonPath() = default;
  JsonPath(std::initializer_list<std::string_view> ks);  // asserts ks.size() <= kMaxKeys
};

class JsonItems;

// One value of a parsed document, or nothing (a missing key, an index past the end, a step into
// a non-object). A view: copying is cheap, and it, and every string_view it gives, is valid
// while the document lives. No accessor throws; asking a value for what it is not gives the
// empty answer.
class JsonValue {
 public:
  JsonValue() = default;
  explicit JsonValue(simdjson::dom::element e) : element_(e), present_(true) {}

  bool present() const { return present_; }
  explicit operator bool() const { return present_; }
  // Present, but JSON null (Kubernetes writes null for "not set").
  bool is_null() const { return present_ && element_.is_null(); }
  bool is_string() const { return present_ && element_.is_string(); }
  bool is_bool() const { return present_ && element_.is_bool(); }
  bool is_array() const { return present_ && element_.is_array(); }
  bool is_object() const { return present_ && element_.is_object(); }

  // The string, a view into the document; nullopt for anything else.
  std::optional<std::string_view> string() const;
  // True only for the boolean true.
  bool is_true() const;
  // Member `key` of an object (the last one, when the key repeats); nothing otherwise.
  JsonValue operator[](std::string_view key) const;
  // Element `index` of an array; nothing otherwise or when out of range.
  JsonValue at(size_t index) const;
  // Number of elements of an array; 0 for anything else.
  size_t size() const;
  // The elements of an array, in order; none for anything else.
  JsonItems items() const;
  // The JSON type name as nlohmann::json spells it ("object", "number", ...), for messages.
  const char* type_name() const;

  // The underlying element; only meaningful when present().
  simdjson::dom::element element() const { return element_; }

 private:
  simdjson::dom::element element_;
  bool present_ = false;
};

// Range over an array's elements as JsonValues (empty for a non-array).
class JsonItems {
 public:
  class iterator {
   public:
    explicit iterator(simdjson::dom::array::iterator it) : it_(it) {}
    JsonValue operator*() const { return JsonValue(*it_); }
    iterator& operator++() {
      ++it_;
      return *this;
    }
    bool operator!=(const iterator& other) const { return it_ != other.it_; }

   private:
    simdjson::dom::array::iterator it_;
  };

  JsonItems() = default;
  explicit JsonItems(simdjson::dom::array arr) : begin_(arr.begin()), end_(arr.end()) {}
  iterator begin() const { return iterator(begin_); }
  iterator end() const { return iterator(end_); }

 private:
  // Two default iterators compare equal, which makes the empty range.
  simdjson::dom::array::iterator begin_{}, end_{};
};

// Follows `path` from `root`; nothing as soon as a step is missing.
JsonValue json_at(JsonValue root, const JsonPath& path);
// The array at `path`, or nothing when it is missing or not an array.
JsonValue json_array_at(JsonValue root, const JsonPath& path);

// Resolves an RFC 6901 JSON pointer ("" is the whole document, "/a/0/b~1c" walks keys and array
// indexes). Nothing when the pointer is malformed or names nothing.
JsonValue json_pointer_at(JsonValue root, std::string_view pointer);
// True when `pointer` is syntactically a JSON pointer ("" or starting with '/', escapes valid).
bool is_json_pointer(std::string_view pointer);

// Compact JSON text of `v` exactly as nlohmann::json::dump() wrote it for the same input: keys
// sorted (byte order), the last of duplicate keys kept, UTF-8 unescaped, control characters
// escaped. "" for nothing. Recursion is bounded by the parser's depth cap.
std::string json_dump(JsonValue v);
// Appends the same text to `out`.
void append_json(JsonValue v, std::string& out);

// The text a rule sees for a JSON value: a string as is (a view into the event), a boolean as
// "true"/"false", a number or container as compact JSON copied into `out`'s own buffers.
// nullopt for JSON null, which Kubernetes writes for "not set", and for nothing.
std::optional<std::string_view> json_text(JsonValue v, Extraction& out);

// Sets `out` to the text of `v` (see json_text); false when `v` is nothing or null.
bool set_json_value(JsonValue v, Extraction& out);
// Adds the text of `v` as a list item; does nothing for null.
void add_json_item(JsonValue v, Extraction& out);
// Adds every element of the array `arr` as an item (non-arrays add themselves).
void add_json_items(JsonValue arr, Extraction& out);
// Ends a list extraction: true when it has at least one item; otherwise clears `out`, because a
// multi-valued field with no values is a missing field, as Falco treats it.
bool finish_list(Extraction& out);

}  // namespace peregrine::engine::k8s_audit
