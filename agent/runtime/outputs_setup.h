#pragma once
// Builds the outputs::Dispatcher of the agent's `outputs:` list (outputs/README.md). Relative
// paths resolve against the config file's folder. An error is one line; it leads with
// FILE:LINE:COL of the offending `outputs[i]` entry, since the outputs loader names the entry
// but not its position.

#include <memory>
#include <string>

#include <yaml-cpp/yaml.h>

#include "common/result.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::agent {

Result<std::unique_ptr<outputs::Dispatcher>> build_dispatcher(const YAML::Node& outputs,
                                                              const std::string& config_path);

// "FILE:LINE:COL: message" for a Dispatcher::from_config error about `outputs`.
std::string locate_outputs_error(const std::string& config_path, const YAML::Node& outputs,
                                 const std::string& message);

}  // namespace peregrine::agent
