#include "operator/admission/admission_review.h"

namespace peregrine::op::admission {
namespace {

constexpr const char* kApiVersion = "admission.k8s.io/v1";

// request.<field> as a string: absent or null is "", another type is an error.
Result<std::string> string_field(const nlohmann::json& obj, const char* field, const std::string& where) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return std::string();
  if (!it->is_string()) return make_error(where + "." + field + " must be a string");
  return it->get<std::string>();
}

// Cuts at a UTF-8 character boundary so a truncated warning stays valid text.
std::string truncated(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

Verdict Verdict::allow(std::vector<std::string> warnings) {
  Verdict v;
  v.warnings = std::move(warnings);
  return v;
}

Verdict Verdict::deny(std::string message, std::vector<std::string> warnings, int code, std::string reason) {
  Verdict v;
  v.allowed = false;
  v.code = code;
  v.reason = std::move(reason);
  v.message = std::move(message);
  v.warnings = std::move(warnings);
  return v;
}

Result<AdmissionRequest> parse_admission_review(std::string_view body) {
  nlohmann::json review = nlohmann::json::parse(body, nullptr, false);
  if (review.is_discarded()) return make_error("the body is not JSON");
  if (!review.is_object()) return make_error("an AdmissionReview must be a JSON object");
  auto api_version = string_field(review, "apiVersion", "review");
  if (!api_version.ok()) return api_version.error();
  if (*api_version != kApiVersion)
    return make_error("apiVersion must be " + std::string(kApiVersion) + ", not '" + *api_version + "'");
  auto kind = string_field(review, "kind", "review");
  if (!kind.ok()) return kind.error();
  if (*kind != "AdmissionReview") return make_error("kind must be AdmissionReview, not '" + *kind + "'");
  auto req_it = review.find("request");
  if (req_it == review.end() || !req_it->is_object()) return make_error("request is missing");
  const nlohmann::json& req = *req_it;

  AdmissionRequest out;
  struct Field {
    const char* name;
    std::string* into;
  };
  for (const Field& f : {Field{"uid", &out.uid}, Field{"operation", &out.operation},
                         Field{"namespace", &out.ns}, Field{"name", &out.name}}) {
    auto v = string_field(req, f.name, "request");
    if (!v.ok()) return v.error();
    *f.into = std::move(*v);
  }
  if (out.uid.empty()) return make_error("request.uid is missing");
  if (out.operation.empty()) return make_error("request.operation is missing");
  for (const char* sub : {"resource", "kind", "userInfo"}) {
    auto it = req.find(sub);
    if (it != req.end() && !it->is_null() && !it->is_object())
      return make_error(std::string("request.") + sub + " must be an object");
  }
  const std::string resource_where = "request.resource";
  if (auto it = req.find("resource"); it != req.end() && it->is_object()) {
    for (const Field& f : {Field{"group", &out.group}, Field{"version", &out.version},
                           Field{"resource", &out.resource}}) {
      auto v = string_field(*it, f.name, resource_where);
      if (!v.ok()) return v.error();
      *f.into = std::move(*v);
    }
  }
  if (auto it = req.find("kind"); it != req.end() && it->is_object()) {
    auto v = string_field(*it, "kind", "request.kind");
    if (!v.ok()) return v.error();
    out.kind = std::move(*v);
  }
  if (auto it = req.find("userInfo"); it != req.end() && it->is_object()) {
    auto v = string_field(*it, "username", "request.userInfo");
    if (!v.ok()) return v.error();
    out.user = std::move(*v);
  }
  if (auto it = req.find("dryRun"); it != req.end() && !it->is_null()) {
    if (!it->is_boolean()) return make_error("request.dryRun must be a boolean");
    out.dry_run = it->get<bool>();
  }
  for (auto [field, into] : {std::pair{"object", &out.object}, std::pair{"oldObject", &out.old_object}}) {
    auto it = req.find(field);
    if (it == req.end() || it->is_null()) continue;
    if (!it->is_object()) return make_error(std::string("request.") + field + " must be an object");
    *into = *it;
  }
  return out;
}

nlohmann::json admission_response(const std::string& uid, const Verdict& verdict) {
  nlohmann::json response = {{"uid", uid}, {"allowed", verdict.allowed}};
  if (!verdict.allowed) {
    response["status"] = {{"code", verdict.code}, {"reason", verdict.reason}, {"message", verdict.message}};
  }
  if (!verdict.warnings.empty()) {
    nlohmann::json warnings = nlohmann::json::array();
    for (size_t i = 0; i < verdict.warnings.size() && i < kMaxWarnings; ++i)
      warnings.push_back(truncated(verdict.warnings[i], kMaxWarningBytes));
    response["warnings"] = std::move(warnings);
  }
  return {{"apiVersion", kApiVersion}, {"kind", "AdmissionReview"}, {"response", std::move(response)}};
}

}  // namespace peregrine::op::admission
