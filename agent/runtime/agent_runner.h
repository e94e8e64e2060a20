#pragma once
// `peregrine agent`: the start-up steps (rules, probe, /proc bootstrap, outputs, metrics,
// reload) each returning a status, then the event loop until SIGINT/SIGTERM.
// Returns the process exit code; every failure is one clear line on stderr.

#include "agent/config/agent_config.h"

namespace peregrine::agent {

int run_agent(const AgentConfig& config);

}  // namespace peregrine::agent
