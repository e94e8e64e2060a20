#include "engine/sources/syscall/syscall_fields.h"

#include <cassert>

#include "engine/sources/generic_fields.h"
#include "engine/sources/syscall/field_defs.h"

namespace peregrine::engine {

namespace {

FieldInfo to_field_info(const FieldDef& d) {
  FieldInfo f;
  f.name = d.name;
  f.type = d.type;
  f.description = d.description;
  f.availability = d.availability;
  switch (d.arg) {
    case ArgForm::kNone: break;
    case ArgForm::kOptionalIndex:
      f.arg = ArgMode::kOptional;
      f.arg_is_index = true;
      break;
    case ArgForm::kOptionalKey: f.arg = ArgMode::kOptional; break;
    // Keys may be numbers (a position) or text, so neither form sets arg_is_index; the
    // extractor tells them apart.
    case ArgForm::kRequiredKey: f.arg = ArgMode::kRequired; break;
    case ArgForm::kRequiredDotted:
      f.arg = ArgMode::kRequired;
      f.arg_dotted = true;
      break;
  }
  return f;
}

}  // namespace

std::vector<FieldInfo> syscall_fields() {
  std::vector<FieldInfo> fields = generic_fields();
  assert(fields.size() == kGenericFieldCount);
  fields.resize(kSyscallFieldCount);
  for (auto* defs : {evt_field_defs, proc_field_defs, fd_field_defs, user_field_defs,
                     container_field_defs}) {
    for (const FieldDef& d : defs()) {
      assert(static_cast<uint32_t>(d.id) >= kGenericFieldCount && d.id < kSyscallFieldCount);
      assert(fields[d.id].name.empty() && "two definitions for one SyscallField id");
      fields[d.id] = to_field_info(d);
    }
  }
  return fields;
}

const FieldRegistry& syscall_field_registry() {
  static const FieldRegistry registry(syscall_fields());
  return registry;
}

}  // namespace peregrine::engine
