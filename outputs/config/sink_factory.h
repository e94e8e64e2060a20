#pragma once
// Builds one sink from the type-specific keys of its config entry. Each builder reads only its
// own keys (through Settings, so unknown keys are reported) and reads credentials only through
// Settings::secret().

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "outputs/config/settings.h"
#include "outputs/core/sink.h"

namespace peregrine::outputs {

Result<std::unique_ptr<Sink>> make_sink(const std::string& type, Settings& settings);
// Every type make_sink knows, for error messages.
const std::vector<std::string>& sink_types();

}  // namespace peregrine::outputs
