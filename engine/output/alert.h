#pragma once
// One alert, as every sink receives it. to_json() is compatible with Falco's JSON output
// (time, rule, priority, source, hostname, output, tags, output_fields, message), so existing
// consumers (Falcosidekick, jq pipelines) work unchanged.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/rules/priority.h"

namespace peregrine::engine {

struct Alert {
  uint64_t time_ns = 0;
  std::string rule;
  Priority priority = Priority::kDebug;
  std::string source;
  std::string hostname;
  std::string message;                 // the rule's output, formatted
  std::vector<std::string> tags;
  nlohmann::ordered_json output_fields = nlohmann::ordered_json::object();  // name -> value|null

  // `HH:MM:SS.nnnnnnnnn: Priority message`, Falco's classic line.
  std::string output_line() const;
  nlohmann::ordered_json to_json() const;
  // to_json() on one line; bytes that are not UTF-8 are replaced, never thrown on.
  std::string to_json_line() const;
};

}  // namespace peregrine::engine
