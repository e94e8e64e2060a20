#pragma once
// Which alerts a sink wants: a minimum priority, and include/exclude lists of rule names and of
// tags. Checked on the event path, so it is a few comparisons with no allocation.
// Semantics: an empty include list admits everything; exclude wins over include; a tag list
// matches when the alert has any of its tags.

#include <string>
#include <vector>

#include "engine/output/alert.h"

namespace peregrine::outputs {

struct AlertFilter {
  engine::Priority minimum_priority = engine::Priority::kDebug;
  std::vector<std::string> include_rules;
  std::vector<std::string> exclude_rules;
  std::vector<std::string> include_tags;
  std::vector<std::string> exclude_tags;

  bool admits(const engine::Alert& alert) const;
};

}  // namespace peregrine::outputs
