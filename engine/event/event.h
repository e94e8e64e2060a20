#pragma once
// The base of every event the engine evaluates. A source defines its own event struct deriving
// from this (SyscallEvent, AuditEvent) and its extractor static_casts back to it; the engine
// itself only reads these common members.

#include <cstdint>

namespace peregrine::engine {

struct Event {
  // Source-defined event type code (the syscall number space for `syscall`; 0 for sources
  // without event types). The ruleset index uses it to visit only rules that can match.
  uint16_t type = 0;
  uint64_t timestamp_ns = 0;  // wall clock, nanoseconds since the Unix epoch
  uint64_t num = 0;           // sequence number within the stream (`evt.num`)
};

}  // namespace peregrine::engine
