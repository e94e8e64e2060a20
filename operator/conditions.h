#pragma once
// metav1.Condition bookkeeping: conditions are keyed by type; lastTransitionTime moves only
// when the status changes, so recomputing an unchanged condition yields an identical object
// and the reconciler can skip the write. Pure, thread-safe.

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace peregrine::op {

// Reason constants of the FalcoRule and FalcoOutput conditions.
namespace reason {
inline constexpr const char* kValid = "Valid";
inline constexpr const char* kInvalidRules = "InvalidRules";
inline constexpr const char* kBreaksRuleSet = "BreaksRuleSet";
inline constexpr const char* kInvalidNodeSelector = "InvalidNodeSelector";
inline constexpr const char* kAllAgentsApplied = "AllAgentsApplied";
inline constexpr const char* kPending = "Pending";
inline constexpr const char* kNoAgents = "NoAgents";
inline constexpr const char* kNotAccepted = "NotAccepted";
inline constexpr const char* kInvalidOutput = "InvalidOutput";
}  // namespace reason

struct Condition {
  std::string type;
  bool status = false;
  std::string reason;
  std::string message;
  int64_t observed_generation = 0;
};

// metav1.Time: RFC 3339 in UTC, whole seconds.
std::string rfc3339_seconds(std::chrono::system_clock::time_point t);

// `previous`: the object's current status.conditions (may be null). `now`: RFC 3339.
nlohmann::json condition_json(const Condition& c, const nlohmann::json& previous, const std::string& now);

}  // namespace peregrine::op
