#pragma once
// Internal to the syscall source: how the per-class tables (fields_*.cc) describe a field
// before syscall_fields() turns them into the registry's FieldInfo.

#include <vector>

#include "engine/fields/field_info.h"
#include "engine/sources/syscall/syscall_field_ids.h"

namespace peregrine::engine {

// The argument forms Falco's syscall fields take.
enum class ArgForm : uint8_t {
  kNone,
  kOptionalIndex,   // proc.aname (every ancestor) or proc.aname[2]
  kOptionalKey,     // proc.env (all) or proc.env[HOME]
  kRequiredKey,     // container.mount.dest[/etc] or container.mount.dest[0]
  kRequiredDotted,  // evt.arg.flags, evt.arg[flags] or evt.arg[0]
};

struct FieldDef {
  SyscallField id;
  const char* name;
  FieldType type;
  const char* description;
  ArgForm arg = ArgForm::kNone;
  const char* availability = "";  // empty when the value is always there when it applies
};

std::vector<FieldDef> evt_field_defs();
std::vector<FieldDef> proc_field_defs();
std::vector<FieldDef> fd_field_defs();
std::vector<FieldDef> user_field_defs();
std::vector<FieldDef> container_field_defs();

}  // namespace peregrine::engine
