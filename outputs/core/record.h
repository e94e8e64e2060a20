#pragma once
// One alert as a sink receives it: the Falco-compatible JSON (with the sink's static custom
// fields added to output_fields, as Falcosidekick does) and the text
// line (the sink's template, or Falco's classic output line). Rendered off the event path, by
// the sink's worker, so the agent only pays for a shared pointer copy when it enqueues.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/rules/priority.h"

namespace peregrine::outputs {

struct Record {
  uint64_t time_ns = 0;
  engine::Priority priority = engine::Priority::kDebug;
  std::string rule;
  std::string source;
  std::vector<std::string> tags;
  nlohmann::ordered_json json;  // Falco's alert JSON plus custom fields
  std::string text;             // template output, else Falco's `output` line

  // The JSON on one line; invalid UTF-8 is replaced, never thrown on.
  std::string json_line() const;
};

}  // namespace peregrine::outputs
