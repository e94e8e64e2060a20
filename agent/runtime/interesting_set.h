#pragma once
// Which syscalls the probe should send: what the rules need, in full, plus what keeping the
// state exact needs (fd-creating and fd-changing calls, credentials, cwd), whatever the rules
// say: those no rule reads only as state (driver::Interest::kStateOnly).

#include <vector>

#include "driver/interest.h"
#include "engine/ruleset/ruleset.h"

namespace peregrine::agent {

// Event types the state layer always needs (indexed like needed_event_types()).
const std::vector<uint16_t>& state_event_types();

// `rules`' event types (may be null: none) in full, and the rest of state_event_types() as
// state only, indexed by event code.
driver::InterestSet interesting_event_types(const engine::SourceRuleset* rules);

}  // namespace peregrine::agent
