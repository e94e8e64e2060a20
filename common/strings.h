#pragma once
// Small string helpers shared by every module. All are pure functions; none allocate unless
// they return a std::string.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace peregrine {

// Levenshtein distance, capped: returns limit + 1 as soon as the distance exceeds limit.
size_t edit_distance(std::string_view a, std::string_view b, size_t limit = 64);

// The candidate closest to `word` if it is close enough to be a likely typo, else nullopt.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
std::string_view trim(std::string_view s);

// Parses a whole string as a signed/unsigned integer (decimal, or hex with 0x); nullopt on any
// trailing garbage or overflow.
std::optional<int64_t> parse_int64(std::string_view s);
std::optional<uint64_t> parse_uint64(std::string_view s);

// Quotes a string as a JSON string literal would (used by error messages).
std::string quoted(std::string_view s);
// `text` as a regular expression that matches exactly it (ECMAScript/RE2 metacharacters
// escaped): httplib routes by regex, while a configured URL path is literal text.
std::string regex_literal(std::string_view text);
// A Prometheus label value: backslash, quote and newline escaped (text exposition format).
std::string prometheus_label(std::string_view value);

}  // namespace peregrine
