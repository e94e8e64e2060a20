#include "agent/events/param_lookup.h"

#include <array>
#include <functional>

#include "driver/reader/param_table.h"

namespace peregrine::agent {
namespace {

// Direct-mapped: a collision only costs a fresh lookup.
struct Entry {
  const char* name = nullptr;
  size_t size = 0;
  uint16_t type = 0;
  int index = -1;  // in the schema, before the record's own parameter count is applied
};

constexpr size_t kSlots = 256;

}  // namespace

int param_index_of(const driver::RawEventView& raw, std::string_view name) {
  thread_local std::array<Entry, kSlots> cache;
  const uint16_t type = raw.type();
  const size_t h = (std::hash<const void*>{}(name.data()) ^ (static_cast<size_t>(type) * 0x9e3779b1u)) % kSlots;
  Entry& e = cache[h];
  if (e.name != name.data() || e.size != name.size() || e.type != type) {
    e = Entry{name.data(), name.size(), type, driver::param_index(type, name)};
  }
  return e.index < static_cast<int>(raw.nparams()) ? e.index : -1;
}

}  // namespace peregrine::agent
