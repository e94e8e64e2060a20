#include "engine/output/alert.h"

#include "common/time_format.h"

namespace peregrine::engine {

std::string Alert::output_line() const {
  return format_time_of_day(time_ns) + ": " + std::string(priority_name(priority)) + " " + message;
}

nlohmann::ordered_json Alert::to_json() const {
  nlohmann::ordered_json j;
  j["hostname"] = hostname;
  j["output"] = output_line();
  j["output_fields"] = output_fields;
  j["priority"] = std::string(priority_name(priority));
  j["rule"] = rule;
  j["source"] = source;
  j["tags"] = tags;
  j["time"] = format_rfc3339_nanos(time_ns);
  j["message"] = message;
  return j;
}

std::string Alert::to_json_line() const {
  return to_json().dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace peregrine::engine
