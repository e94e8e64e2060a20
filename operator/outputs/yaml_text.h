#pragma once
// JSON → YAML text for the configs the operator renders. Every string is double-quoted, so a
// value such as "null", "true", "0x1F" or "~" reads back as the same string, never as another
// type: what the operator validated is what the agent reads.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace peregrine::op::outputs {

// Block-style YAML of `value`. In mappings, `first_keys` that are present come first, in that
// order (e.g. name and type of a sink), the rest in key order.
std::string to_yaml_text(const nlohmann::json& value, const std::vector<std::string>& first_keys = {});

}  // namespace peregrine::op::outputs
