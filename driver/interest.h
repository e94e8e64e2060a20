#pragma once
// What a driver sends of each event type. The agent decides, from what the loaded rules read
// and what its state layer needs (agent/runtime/interesting_set.h); the drivers apply it in
// the kernel, so an event nobody reads never leaves it.

#include <cstdint>
#include <vector>

namespace peregrine::driver {

enum class Interest : uint8_t {
  kNone = 0,  // the event never leaves the kernel
  kFull = 1,  // every field
  // Only the state layer reads it (no rule does): a driver may leave out what the state does
  // not use. The eBPF probe then skips its clock read, the dearest part of a small record,
  // and flags the record PEREGRINE_EVF_UNTIMED (driver/event_schema.h).
  kStateOnly = 2,
};

// Indexed by event code; codes past the end are kNone.
using InterestSet = std::vector<Interest>;

inline bool sends(const InterestSet& set, uint32_t code) {
  return code < set.size() && set[code] != Interest::kNone;
}

}  // namespace peregrine::driver
