#pragma once
// Builds the Dispatcher of a config file's `outputs:` list (outputs/README.md), as the agent
// and the audit webhook read it. Relative paths resolve against the config file's folder. An
// error is one line that leads with FILE:LINE:COL of the offending `outputs[i]` entry.

#include <memory>
#include <string>

#include <yaml-cpp/yaml.h>

#include "common/result.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::outputs {

Result<std::unique_ptr<Dispatcher>> dispatcher_from_config_file(const YAML::Node& outputs,
                                                                const std::string& config_path);

// "FILE:LINE:COL: message" for a Dispatcher::from_config error about `outputs`.
std::string locate_outputs_error(const std::string& config_path, const YAML::Node& outputs,
                                 const std::string& message);

}  // namespace peregrine::outputs
