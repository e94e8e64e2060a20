#pragma once
// Builders for the API's `Status` object (meta/v1), the body of every error response and of
// watch ERROR events. Clients (kubectl, client-go, peregrine::kube) read `code`, `reason` and
// `message` from it, so the reasons below are the exact strings the real API server uses.

#include <string>

#include <nlohmann/json.hpp>

namespace peregrine::apiserver {

struct ApiFailure {
  int code = 500;
  std::string reason;   // NotFound, AlreadyExists, Conflict, Invalid, BadRequest, Expired, ...
  std::string message;
  nlohmann::json details = nullptr;  // {name, group, kind} when the failure concerns one object
};

inline nlohmann::json status_body(const ApiFailure& f) {
  nlohmann::json s = {{"kind", "Status"},     {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
                      {"status", "Failure"},  {"message", f.message},
                      {"reason", f.reason},   {"code", f.code}};
  if (!f.details.is_null()) s["details"] = f.details;
  return s;
}

inline ApiFailure not_found(const std::string& group, const std::string& resource, const std::string& name) {
  std::string gr = group.empty() ? resource : resource + "." + group;
  return {404, "NotFound", gr + " \"" + name + "\" not found",
          {{"name", name}, {"group", group}, {"kind", resource}}};
}

inline ApiFailure already_exists(const std::string& group, const std::string& resource, const std::string& name) {
  std::string gr = group.empty() ? resource : resource + "." + group;
  return {409, "AlreadyExists", gr + " \"" + name + "\" already exists",
          {{"name", name}, {"group", group}, {"kind", resource}}};
}

inline ApiFailure conflict(const std::string& group, const std::string& resource, const std::string& name) {
  std::string gr = group.empty() ? resource : resource + "." + group;
  return {409, "Conflict",
          "Operation cannot be fulfilled on " + gr + " \"" + name +
              "\": the object has been modified; please apply your changes to the latest version and try again",
          {{"name", name}, {"group", group}, {"kind", resource}}};
}

// `why` of the form "field.path: Reason value: detail" also becomes details.causes[0], which is
// what kubectl prints for an Invalid error.
inline ApiFailure invalid(const std::string& kind, const std::string& name, const std::string& why) {
  nlohmann::json details = {{"name", name}, {"kind", kind}};
  size_t colon = why.find(": ");
  if (colon != std::string::npos && why.find(' ') > colon)
    details["causes"] = {{{"field", why.substr(0, colon)}, {"message", why.substr(colon + 2)}}};
  return {422, "Invalid", kind + " \"" + name + "\" is invalid: " + why, details};
}

inline ApiFailure bad_request(const std::string& why) { return {400, "BadRequest", why, nullptr}; }

inline ApiFailure gone(const std::string& why) { return {410, "Expired", why, nullptr}; }

}  // namespace peregrine::apiserver
