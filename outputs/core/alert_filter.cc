#include "outputs/core/alert_filter.h"

#include <algorithm>

namespace peregrine::outputs {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

bool any_tag_in(const std::vector<std::string>& tags, const std::vector<std::string>& list) {
  for (const auto& t : tags)
    if (contains(list, t)) return true;
  return false;
}

}  // namespace

bool AlertFilter::admits(const engine::Alert& alert) const {
  // Priorities run most severe first, so "at least P" is "<= P".
  if (alert.priority > minimum_priority) return false;
  if (contains(exclude_rules, alert.rule)) return false;
  if (!include_rules.empty() && !contains(include_rules, alert.rule)) return false;
  if (any_tag_in(alert.tags, exclude_tags)) return false;
  if (!include_tags.empty() && !any_tag_in(alert.tags, include_tags)) return false;
  return true;
}

}  // namespace peregrine::outputs
