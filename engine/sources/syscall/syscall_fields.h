#pragma once
// The field registry of the syscall source: the generic fields first (ids below
// kGenericFieldCount), then every SyscallField in enum order. Built once; immutable and safe
// to share between threads.

#include <vector>

#include "engine/fields/field_registry.h"
#include "engine/sources/syscall/syscall_field_ids.h"

namespace peregrine::engine {

// The fields in id order, as the registry holds them. A slot no table fills keeps an empty
// name; the registry test fails on one.
std::vector<FieldInfo> syscall_fields();

const FieldRegistry& syscall_field_registry();

}  // namespace peregrine::engine
