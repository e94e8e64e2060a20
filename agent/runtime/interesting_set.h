#pragma once
// Which syscalls the probe should send: what the rules need, plus what keeping the state
// exact needs (fd-creating and fd-changing calls, credentials, cwd), whatever the rules say.

#include <vector>

#include "engine/ruleset/ruleset.h"

namespace peregrine::agent {

// Event types the state layer always needs (indexed like needed_event_types()).
const std::vector<uint16_t>& state_event_types();

// The union of `rules` (may be null: none) and state_event_types(), indexed by event code.
std::vector<bool> interesting_event_types(const engine::SourceRuleset* rules);

}  // namespace peregrine::agent
