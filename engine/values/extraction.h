#pragma once
// The value of one field for one event, as a source's extractor fills it in.
//
// Strings are views: an extractor either points them at memory the event owns (valid until
// the event is released) or copies into this object's own buffers with own_*(). An
// Extraction is reused from event to event, so its buffers keep their capacity and the event
// path allocates nothing in the steady state. Not thread-safe; one per evaluation context.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "engine/fields/field_info.h"
#include "engine/values/ip.h"

namespace peregrine::engine {

class Extraction {
 public:
  enum class Kind : uint8_t { kNone, kString, kInt, kUint, kBool, kIp, kNet, kList };

  // Touches only the members in the object's first bytes (a field slot is reset on every
  // fill); the list is cleared by begin_list(), the only way to start one.
  void reset() {
    kind_ = Kind::kNone;
    owned_used_ = 0;
  }

  // --- filled by extractors -------------------------------------------------------------
  void set_string(std::string_view s) { kind_ = Kind::kString; str_ = s; }
  void set_int(int64_t v) { kind_ = Kind::kInt; i64_ = v; }
  void set_uint(uint64_t v) { kind_ = Kind::kUint; u64_ = v; }
  void set_bool(bool v) { kind_ = Kind::kBool; b_ = v; }
  void set_ip(const IpAddr& ip) { kind_ = Kind::kIp; ip_ = ip; }
  void set_net(const IpNet& net) { kind_ = Kind::kNet; net_ = net; }
  // Returns a cleared buffer owned by this extraction; set_string() a view of it when done.
  std::string& own_buffer();
  // Copies `s` into an owned buffer and makes it the string value.
  void set_owned_string(std::string_view s);
  // Multi-valued fields: each item is a string view (event-owned, or own_string()'d).
  void begin_list() { kind_ = Kind::kList; list_.clear(); }
  void add_item(std::string_view s) { list_.push_back(s); }
  std::string_view own_string(std::string_view s);

  // --- read by the evaluator --------------------------------------------------------------
  Kind kind() const { return kind_; }
  bool present() const { return kind_ != Kind::kNone; }
  std::string_view str() const { return str_; }
  int64_t i64() const { return i64_; }
  uint64_t u64() const { return u64_; }
  bool boolean() const { return b_; }
  const IpAddr& ip() const { return ip_; }
  const IpNet& net() const { return net_; }
  const std::vector<std::string_view>& list() const { return list_; }  // when kind() is kList

  // The value as text, as an output string shows it (`<NA>` is the caller's business).
  std::string to_string() const;

 private:
  // The scalar members and what reset() writes first, together in the first cache line.
  Kind kind_ = Kind::kNone;
  bool b_ = false;
  size_t owned_used_ = 0;
  std::string_view str_;
  int64_t i64_ = 0;
  uint64_t u64_ = 0;
  IpAddr ip_;
  IpNet net_;
  std::vector<std::string_view> list_;
  // A deque keeps each string (and so each view into it) where it is as more are added.
  std::deque<std::string> owned_;
};

}  // namespace peregrine::engine
