#pragma once
// Falco's eight alert priorities, most severe first (so "at least Warning" is `p <= kWarning`).

#include <optional>
#include <string_view>

namespace peregrine::engine {

enum class Priority : uint8_t {
  kEmergency, kAlert, kCritical, kError, kWarning, kNotice, kInformational, kDebug,
};

// Case-insensitive; accepts "Info" for Informational, as Falco does.
std::optional<Priority> parse_priority(std::string_view text);
// Falco's spelling in alerts: "Emergency", ..., "Informational", "Debug".
std::string_view priority_name(Priority p);

}  // namespace peregrine::engine
