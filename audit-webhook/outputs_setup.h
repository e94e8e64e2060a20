#pragma once
// Builds the outputs::Dispatcher of the audit webhook's `outputs:` list (outputs/README.md).
// Relative paths resolve against the config file's folder. An error is one line leading with
// FILE:LINE:COL of the offending `outputs[i]` entry (the outputs loader names the entry but
// not its position).

#include <memory>
#include <string>

#include <yaml-cpp/yaml.h>

#include "common/result.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::audit {

Result<std::unique_ptr<outputs::Dispatcher>> build_dispatcher(const YAML::Node& outputs,
                                                              const std::string& config_path);

}  // namespace peregrine::audit
