#include "test/apiserver/admission_review.h"

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

json group_version_kind(const ResourceRef& r) {
  return {{"group", r.group}, {"version", r.version}, {"kind", r.kind}};
}

json group_version_resource(const ResourceRef& r) {
  return {{"group", r.group}, {"version", r.version}, {"resource", r.resource}};
}

}  // namespace

json make_admission_review(const ReviewRequest& in) {
  json req = {{"uid", in.uid},
              {"kind", group_version_kind(in.resource)},
              {"resource", group_version_resource(in.resource)},
              {"requestKind", group_version_kind(in.request)},
              {"requestResource", group_version_resource(in.request)},
              {"operation", in.operation},
              {"userInfo", in.user_info},
              {"object", in.object},
              {"oldObject", in.old_object},
              {"dryRun", in.dry_run},
              {"options", in.options}};
  if (!in.resource.subresource.empty()) req["subResource"] = in.resource.subresource;
  if (!in.request.subresource.empty()) req["requestSubResource"] = in.request.subresource;
  if (!in.name.empty()) req["name"] = in.name;
  if (!in.ns.empty()) req["namespace"] = in.ns;
  return {{"apiVersion", "admission.k8s.io/v1"}, {"kind", "AdmissionReview"}, {"request", req}};
}

std::variant<ReviewVerdict, std::string> read_admission_review(const std::string& body, const std::string& uid) {
  json review = json::parse(body, nullptr, false);
  if (review.is_discarded() || !review.is_object()) return std::string("the response body is not a JSON object");
  const std::string api_version = review.value("apiVersion", ""), kind = review.value("kind", "");
  if (!review.contains("response") || !review["response"].is_object()) return std::string("webhook response was absent");
  const json& resp = review["response"];
  const std::string got_uid = resp.value("uid", "");
  if (got_uid != uid) return "expected response.uid=\"" + uid + "\", got \"" + got_uid + "\"";
  if (api_version != "admission.k8s.io/v1" || kind != "AdmissionReview")
    return "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got " + api_version +
           ", Kind=" + kind;
  ReviewVerdict verdict;
  // An absent `allowed` decodes as false, as in the real server.
  verdict.allowed = resp.value("allowed", false);
  if (resp.contains("status") && resp["status"].is_object()) verdict.status = resp["status"];
  for (const auto& w : resp.value("warnings", json::array()))
    if (w.is_string()) verdict.warnings.push_back(w.get<std::string>());
  return verdict;
}

ApiFailure webhook_denial(const std::string& webhook, const json& status) {
  const json s = status.is_object() ? status : json::object();
  ApiFailure f;
  f.code = s.value("code", 0);
  if (f.code < 400) f.code = 400;
  f.reason = s.value("reason", "");
  const std::string denied = "admission webhook \"" + webhook + "\" denied the request";
  const std::string message = s.value("message", "");
  if (!message.empty()) {
    f.message = denied + ": " + message;
  } else if (!f.reason.empty()) {
    f.message = denied + ": " + f.reason;
  } else {
    f.message = denied + " without explanation";
  }
  if (s.contains("details")) f.details = s["details"];
  return f;
}

ApiFailure webhook_call_failure(const std::string& webhook, const std::string& why) {
  const std::string err = "failed calling webhook \"" + webhook + "\": " + why;
  return {500, "InternalError", "Internal error occurred: " + err, {{"causes", {{{"message", err}}}}}};
}

ApiFailure webhook_dry_run_unsupported(const std::string& webhook) {
  return bad_request("admission webhook \"" + webhook + "\" does not support dry run");
}

}  // namespace peregrine::apiserver
