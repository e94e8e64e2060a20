#include "operator/conditions.h"

#include <ctime>

namespace peregrine::op {

using nlohmann::json;

std::string rfc3339_seconds(std::chrono::system_clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json condition_json(const Condition& c, const json& previous, const std::string& now) {
  std::string status = c.status ? "True" : "False";
  std::string since = now;
  if (previous.is_array())
    for (const json& p : previous)
      if (p.is_object() && p.value("type", "") == c.type && p.value("status", "") == status)
        since = p.value("lastTransitionTime", now);
  // The CRD caps messages at 32768 characters.
  std::string message = c.message.size() > 32000 ? c.message.substr(0, 32000) + "... (truncated)" : c.message;
  return {{"type", c.type},
          {"status", status},
          {"reason", c.reason},
          {"message", message},
          {"observedGeneration", c.observed_generation},
          {"lastTransitionTime", since}};
}

}  // namespace peregrine::op
