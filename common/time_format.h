#pragma once
// Timestamps as alerts print them. All take nanoseconds since the Unix epoch and format in UTC.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace peregrine {

// 2026-11-22T15:20:11.123456789Z
std::string format_rfc3339_nanos(uint64_t ns);
// 15:20:11.123456789 (Falco's evt.time)
std::string format_time_of_day(uint64_t ns);
// 2026/11/22 15:20:11.123456789 (Falco's evt.datetime)
std::string format_datetime(uint64_t ns);
// Parses RFC 3339 with optional fraction and `Z` or ±hh:mm offset, as Kubernetes writes it.
std::optional<uint64_t> parse_rfc3339(std::string_view text);
// Wall clock now.
uint64_t now_ns();

}  // namespace peregrine
