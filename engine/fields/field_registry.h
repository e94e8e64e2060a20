#pragma once
// The fields of one event source, looked up by name. Immutable once built; safe to share
// between threads.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "engine/fields/field_info.h"

namespace peregrine::engine {

// A field name as written in a condition or output, resolved against a registry:
// `evt.arg.flags` becomes field `evt.arg` with argument `flags`.
struct FieldRef {
  const FieldInfo* info = nullptr;
  bool has_arg = false;
  std::string arg;          // the argument text, as written (without brackets)
  uint64_t arg_index = 0;   // parsed argument when info->arg_is_index

  // The canonical spelling, e.g. `proc.aname[2]`; used as the output_fields key.
  std::string display_name() const;
};

class FieldRegistry {
 public:
  // Assigns ids in order; names must be unique (checked by assert).
  explicit FieldRegistry(std::vector<FieldInfo> fields);

  const std::vector<FieldInfo>& fields() const { return fields_; }
  const FieldInfo* find(std::string_view name) const;

  // Resolves `name` (which may carry a dotted argument) plus an optional bracketed argument.
  // Errors name the field and, for an unknown one, suggest the closest known name.
  Result<FieldRef> resolve(std::string_view name, std::optional<std::string_view> bracket_arg) const;

 private:
  std::vector<FieldInfo> fields_;
  std::unordered_map<std::string, size_t> by_name_;
  std::vector<std::string> names_;
};

}  // namespace peregrine::engine
