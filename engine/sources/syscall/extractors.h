#pragma once
// Internal to the syscall source: one extractor per field class, each handling the
// SyscallField range its file's comment names, and the small helpers they share.
//
// Every extractor follows EventSource::extract's contract: true with `out` set, or false with
// `out` untouched. Computed strings are built in out.own_buffer(), whose capacity survives
// from event to event, so the steady state does not allocate.

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/fields/field_registry.h"
#include "engine/sources/event_source.h"
#include "engine/sources/syscall/syscall_event.h"
#include "engine/values/extraction.h"

namespace peregrine::engine {

bool extract_evt_field(const SyscallEvent& e, const FieldRef& f, Extraction& out);
bool extract_proc_field(const SyscallEvent& e, const FieldRef& f, Extraction& out);
bool extract_fd_field(const SyscallEvent& e, const FieldRef& f, Extraction& out);
bool extract_user_field(const SyscallEvent& e, const FieldRef& f, Extraction& out);
bool extract_container_field(const SyscallEvent& e, const FieldRef& f, Extraction& out);

// A class extractor as an EventSource::FieldExtractor.
template <bool (*F)(const SyscallEvent&, const FieldRef&, Extraction&)>
bool as_field_extractor(const Event& e, const FieldRef& f, Extraction& out) {
  return F(static_cast<const SyscallEvent&>(e), f, out);
}

// SyscallSource::extractor() for one class's field ids: a function of its own for the fields
// rules read on most events (the one the class extractor's switch calls for that field), the
// class extractor for the others.
FieldExtractor evt_field_extractor(uint32_t id);
FieldExtractor proc_field_extractor(uint32_t id);
FieldExtractor fd_field_extractor(uint32_t id);
FieldExtractor container_field_extractor(uint32_t id);

// A decimal number as an owned string (for list items, which are strings).
inline std::string_view own_number(Extraction& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return out.own_string(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
}

// Appends `items` to `buf` separated by `sep`.
inline void append_joined(std::string& buf, const std::vector<std::string>& items,
                          std::string_view sep) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) buf += sep;
    buf += items[i];
  }
}

// A key argument that is all digits is a position; anything else is a name or pattern.
inline bool key_is_index(const FieldRef& f, size_t& index) {
  if (f.arg.empty()) return false;
  uint64_t v = 0;
  for (char c : f.arg) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > (uint64_t{1} << 32)) return false;  // no event has that many of anything
  }
  index = static_cast<size_t>(v);
  return true;
}

}  // namespace peregrine::engine
