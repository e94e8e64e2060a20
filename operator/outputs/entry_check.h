#pragma once
// Loads one rendered outputs entry with the outputs library, the way an agent will, to learn
// whether it builds. See render_outputs.h for what this may and may not touch.

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "operator/outputs/output_spec.h"

namespace peregrine::op::outputs {

// One Secret key's stand-in for the load: `value` nullopt means a placeholder.
struct SecretFile {
  SecretKeyRef ref;
  std::optional<std::string> value;
};

// `entry_yaml`: the text of an `outputs:` list holding the one entry named `entry_name`. Errors
// are the library's message with its "outputs[0] (<entry_name>)" prefix turned into "spec".
Status check_entry_loads(const std::string& entry_yaml, const std::string& entry_name,
                         const std::vector<SecretFile>& secrets);

}  // namespace peregrine::op::outputs
