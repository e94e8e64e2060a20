#include "test/apiserver/admission.h"

#include <algorithm>
#include <cstdio>

#include "test/apiserver/admission_match.h"
#include "test/apiserver/admission_review.h"
#include "test/apiserver/object_meta.h"
#include "test/apiserver/webhook_client.h"

namespace peregrine::apiserver {

using nlohmann::json;

namespace {

const char* const kGroup = "admissionregistration.k8s.io";
const char* const kConfigs = "validatingwebhookconfigurations";

ResourceRef ref_of(const ResourceType& t, const std::string& subresource) {
  return {t.group, t.version, t.plural, subresource, t.kind};
}

bool accepts_v1(const json& hook) {
  for (const auto& v : hook.value("admissionReviewVersions", json::array()))
    if (v == "v1") return true;
  return false;
}

json labels_of(const json* object) {
  if (!object || !object->is_object() || !object->contains("metadata")) return json::object();
  return (*object)["metadata"].value("labels", json::object());
}

// Calls one webhook; nullopt when it allowed the request, else the refusal or the call failure.
struct Outcome {
  std::optional<ApiFailure> refusal;
  std::string call_error;  // non-empty: the call failed (failurePolicy decides)
};

Outcome call_webhook(const json& hook, const ReviewRequest& request, std::vector<std::string>* warnings) {
  const std::string name = hook.value("name", "");
  const json client = hook.value("clientConfig", json::object());
  const int timeout = hook.value("timeoutSeconds", 10);
  if (!accepts_v1(hook))
    return {std::nullopt, "the API test server sends only admission.k8s.io/v1 reviews and admissionReviewVersions is " +
                              hook.value("admissionReviewVersions", json::array()).dump()};
  if (!client.contains("url")) {
    const json svc = client.value("service", json::object());
    std::string url = "https://" + svc.value("name", "") + "." + svc.value("namespace", "") + ".svc:" +
                      std::to_string(svc.value("port", 443)) + svc.value("path", "");
    return {std::nullopt, "failed to call webhook: Post \"" + url + "?timeout=" + std::to_string(timeout) +
                              "s\": the API test server cannot reach services; use clientConfig.url"};
  }
  WebhookEndpoint endpoint{client.value("url", ""), client.value("caBundle", ""), timeout};
  WebhookCallResult call = post_admission_review(endpoint, make_admission_review(request).dump());
  if (!call.ok) return {std::nullopt, "failed to call webhook: " + call.error};
  auto verdict = read_admission_review(call.body, request.uid);
  if (auto* why = std::get_if<std::string>(&verdict)) return {std::nullopt, "received invalid webhook response: " + *why};
  const ReviewVerdict& v = std::get<ReviewVerdict>(verdict);
  warnings->insert(warnings->end(), v.warnings.begin(), v.warnings.end());
  if (v.allowed) return {};
  return {webhook_denial(name, v.status), ""};
}

}  // namespace

json Admission::namespace_labels(const WriteAttempt& attempt) const {
  // A Namespace's own labels select it: the new ones, or the old ones on DELETE.
  if (attempt.type->group.empty() && attempt.type->plural == "namespaces")
    return labels_of(attempt.object ? attempt.object : attempt.old_object);
  if (attempt.ns.empty()) return json::object();
  auto ns_type = store_.resolve("", "v1", "namespaces");
  auto ns = store_.get(*ns_type, "", attempt.ns);
  if (auto* obj = std::get_if<json>(&ns)) return labels_of(obj);
  return json::object();
}

std::optional<ApiFailure> Admission::review(const WriteAttempt& attempt, const RequestContext& context,
                                            std::vector<std::string>* warnings) const {
  if (attempt.type->group == kGroup &&
      (attempt.type->plural == kConfigs || attempt.type->plural == "mutatingwebhookconfigurations"))
    return std::nullopt;
  auto config_type = store_.resolve(kGroup, "v1", kConfigs);
  if (!config_type) return std::nullopt;
  json configs = std::get<json>(store_.list(*config_type, ListQuery{}))["items"];
  if (configs.empty()) return std::nullopt;
  std::sort(configs.begin(), configs.end(), [](const json& a, const json& b) {
    return a["metadata"].value("name", "") < b["metadata"].value("name", "");
  });

  MatchInput in;
  in.operation = attempt.operation;
  in.request = ref_of(*attempt.type, attempt.subresource);
  for (const auto& t : store_.equivalents(*attempt.type)) in.equivalents.push_back(ref_of(t, attempt.subresource));
  const bool namespace_object = attempt.type->group.empty() && attempt.type->plural == "namespaces";
  in.ns = namespace_object ? attempt.name : attempt.ns;
  in.namespace_labels = namespace_labels(attempt);
  if (attempt.object) in.object = *attempt.object;
  if (attempt.old_object) in.old_object = *attempt.old_object;

  for (const auto& config : configs) {
    for (const auto& hook : config.value("webhooks", json::array())) {
      auto target = match_webhook(hook, in);
      if (!target) continue;
      const std::string name = hook.value("name", "");
      const std::string side_effects = hook.value("sideEffects", "");
      if (context.dry_run && side_effects != "None" && side_effects != "NoneOnDryRun")
        return webhook_dry_run_unsupported(name);

      ReviewRequest request;
      request.uid = new_uid();
      request.operation = attempt.operation;
      request.name = attempt.name;
      request.ns = in.ns;
      request.resource = *target;
      request.request = in.request;
      request.user_info = context.user_info;
      request.object = in.object;
      request.old_object = in.old_object;
      // No conversion between versions here: the object only changes its apiVersion.
      const std::string gv = target->group.empty() ? target->version : target->group + "/" + target->version;
      if (request.object.is_object()) request.object["apiVersion"] = gv;
      if (request.old_object.is_object()) request.old_object["apiVersion"] = gv;
      request.options = context.options;
      request.dry_run = context.dry_run;

      Outcome outcome = call_webhook(hook, request, warnings);
      if (!outcome.call_error.empty()) {
        if (hook.value("failurePolicy", "Fail") == "Ignore") {
          std::fprintf(stderr, "admission: webhook %s failed, failing open: %s\n", name.c_str(),
                       outcome.call_error.c_str());
          continue;
        }
        return webhook_call_failure(name, outcome.call_error);
      }
      if (outcome.refusal) return outcome.refusal;
    }
  }
  return std::nullopt;
}

}  // namespace peregrine::apiserver
