#pragma once
// The parameter table of driver/event_schema.h as C++ data: for every event type the driver
// may emit, its name, how hdr.res is named and typed, and each parameter's name and encoding.
// Immutable static data; safe to share between threads.

#include <cstdint>
#include <span>
#include <string_view>

#include "driver/event_schema.h"

namespace peregrine::driver {

enum class ParamType : uint8_t {
  kNone = PEREGRINE_PT_NONE,
  kS64 = PEREGRINE_PT_S64,
  kU64 = PEREGRINE_PT_U64,
  kS32 = PEREGRINE_PT_S32,
  kU32 = PEREGRINE_PT_U32,
  kFd = PEREGRINE_PT_FD,
  kPid = PEREGRINE_PT_PID,
  kUid = PEREGRINE_PT_UID,
  kGid = PEREGRINE_PT_GID,
  kFlags32 = PEREGRINE_PT_FLAGS32,
  kFlags64 = PEREGRINE_PT_FLAGS64,
  kMode = PEREGRINE_PT_MODE,
  kSignal = PEREGRINE_PT_SIGNAL,
  kString = PEREGRINE_PT_STRING,
  kFsPath = PEREGRINE_PT_FSPATH,
  kBytes = PEREGRINE_PT_BYTES,
  kSockaddr = PEREGRINE_PT_SOCKADDR,
  kSockTuple = PEREGRINE_PT_SOCKTUPLE,
  kStrArray = PEREGRINE_PT_STRARRAY,
};

// The byte width of a fixed-width type; 0 for variable-length types (strings, bytes, ...).
// Inline: the decoder asks for every parameter of every record.
constexpr uint32_t fixed_width(ParamType type) {
  switch (type) {
    case ParamType::kS64:
    case ParamType::kU64:
    case ParamType::kFd:
    case ParamType::kPid:
    case ParamType::kFlags64:
      return 8;
    case ParamType::kS32:
    case ParamType::kU32:
    case ParamType::kUid:
    case ParamType::kGid:
    case ParamType::kFlags32:
    case ParamType::kMode:
    case ParamType::kSignal:
      return 4;
    default:
      return 0;
  }
}
// True for the fixed-width types read as signed integers (S64, S32, FD, PID).
constexpr bool is_signed(ParamType type) {
  return type == ParamType::kS64 || type == ParamType::kS32 || type == ParamType::kFd ||
         type == ParamType::kPid;
}
std::string_view type_name(ParamType type);  // "S64", "FSPATH", ...

struct ParamInfo {
  std::string_view name;  // Falco's name: "fd", "name", "flags", ...
  ParamType type;
  uint8_t fetch;          // enum peregrine_fetch: how drivers obtain the value
  uint8_t arg;            // fetch operands, see event_schema.h
  uint8_t aux;
};

struct EventInfo {
  uint16_t type;                     // event type code
  std::string_view name;             // "openat", "procexit"
  std::string_view res_name;         // "fd" or "res"
  ParamType res_type;
  std::span<const ParamInfo> params;
};

// nullptr when the driver never emits `type`.
const EventInfo* event_info(uint16_t type);
// nullptr when `type` is unknown or has fewer than i + 1 parameters.
const ParamInfo* param_info(uint16_t type, uint32_t i);
// Index of the parameter called `name` in `type`, or -1.
int param_index(uint16_t type, std::string_view name);
// Every event the driver may emit, in code order.
std::span<const EventInfo> all_events();

}  // namespace peregrine::driver
