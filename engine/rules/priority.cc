#include "engine/rules/priority.h"

#include "common/strings.h"

namespace peregrine::engine {

static constexpr std::string_view kNames[] = {"Emergency", "Alert",  "Critical",      "Error",
                                              "Warning",   "Notice", "Informational", "Debug"};

std::optional<Priority> parse_priority(std::string_view text) {
  for (size_t i = 0; i < std::size(kNames); ++i)
    if (iequals(text, kNames[i])) return static_cast<Priority>(i);
  if (iequals(text, "info")) return Priority::kInformational;
  return std::nullopt;
}

std::string_view priority_name(Priority p) { return kNames[static_cast<size_t>(p)]; }

}  // namespace peregrine::engine
