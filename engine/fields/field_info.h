#pragma once
// What the engine knows about one field of one event source: its name, type, argument form,
// and what it means. Sources publish a FieldRegistry of these; the compiler resolves every field
// named in a condition or output against it.

#include <cstdint>
#include <string>

namespace peregrine::engine {

// Types follow Falco's names so `peregrine fields` reads like `falco --list`.
enum class FieldType : uint8_t {
  kString,   // charbuf / string
  kInt64,
  kUint64,   // also uint32 and friends
  kBool,
  kIpAddr,
  kIpNet,
  kPort,     // uint16
  kAbsTime,  // nanoseconds since the epoch
  kRelTime,  // nanoseconds
  kBytes,    // bytebuf
};

const char* field_type_name(FieldType t);
// The type as messages name a field of it: "a string field", "an int64 field".
std::string field_type_phrase(FieldType t);
// Numeric types compare with <, <=, >, >= and parse their right-hand side as a number.
bool is_numeric(FieldType t);

// How a field takes an argument: `proc.aname[2]`, `evt.arg.flags`, `jevt.value[/a/b]`.
enum class ArgMode : uint8_t { kNone, kOptional, kRequired };

struct FieldInfo {
  std::string name;
  FieldType type = FieldType::kString;
  std::string description;
  ArgMode arg = ArgMode::kNone;
  bool arg_is_index = false;    // the argument must be a non-negative integer
  bool arg_dotted = false;      // the argument may also follow as `name.ARG`
  bool is_list = false;         // multi-valued: `in` means every value, `intersects` any
  // Empty when the field is fully supported; otherwise why its value may be missing on this
  // platform (for example, data that only a container runtime can give). Shown by `fields`.
  std::string availability;
  uint32_t id = 0;              // position in its registry; sources switch on it
};

}  // namespace peregrine::engine
