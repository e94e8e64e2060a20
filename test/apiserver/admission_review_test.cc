#include "test/apiserver/admission_review.h"

#include <gtest/gtest.h>

namespace peregrine::apiserver {
namespace {

using nlohmann::json;

TEST(AdmissionReview, RequestCarriesWhatWebhooksRead) {
  ReviewRequest r;
  r.uid = "u-1";
  r.operation = "UPDATE";
  r.name = "web";
  r.ns = "team-a";
  r.resource = {"peregrine.dev", "v1alpha1", "falcorules", "status", "FalcoRule"};
  r.request = r.resource;
  r.object = {{"kind", "FalcoRule"}};
  r.old_object = {{"kind", "FalcoRule"}, {"spec", 1}};
  r.options = {{"kind", "UpdateOptions"}, {"apiVersion", "meta.k8s.io/v1"}};
  json review = make_admission_review(r);
  EXPECT_EQ(review["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(review["kind"], "AdmissionReview");
  const json& req = review["request"];
  EXPECT_EQ(req["uid"], "u-1");
  EXPECT_EQ(req["kind"], (json{{"group", "peregrine.dev"}, {"version", "v1alpha1"}, {"kind", "FalcoRule"}}));
  EXPECT_EQ(req["resource"]["resource"], "falcorules");
  EXPECT_EQ(req["subResource"], "status");
  EXPECT_EQ(req["requestSubResource"], "status");
  EXPECT_EQ(req["namespace"], "team-a");
  EXPECT_EQ(req["oldObject"]["spec"], 1);
  EXPECT_EQ(req["dryRun"], false);
  EXPECT_EQ(req["options"]["kind"], "UpdateOptions");
}

std::string answer(json response, std::string api_version = "admission.k8s.io/v1") {
  return json{{"apiVersion", api_version}, {"kind", "AdmissionReview"}, {"response", response}}.dump();
}

TEST(AdmissionReview, ResponseIsCheckedLikeTheRealServer) {
  auto ok = read_admission_review(answer({{"uid", "u"}, {"allowed", true}, {"warnings", {"careful"}}}), "u");
  ASSERT_TRUE(std::holds_alternative<ReviewVerdict>(ok));
  EXPECT_TRUE(std::get<ReviewVerdict>(ok).allowed);
  EXPECT_EQ(std::get<ReviewVerdict>(ok).warnings, std::vector<std::string>{"careful"});

  auto wrong_uid = read_admission_review(answer({{"uid", "x"}, {"allowed", true}}), "u");
  EXPECT_EQ(std::get<std::string>(wrong_uid), "expected response.uid=\"u\", got \"x\"");
  auto wrong_version = read_admission_review(answer({{"uid", "u"}, {"allowed", true}}, "admission.k8s.io/v1beta1"), "u");
  EXPECT_EQ(std::get<std::string>(wrong_version),
            "expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got admission.k8s.io/v1beta1, "
            "Kind=AdmissionReview");
  EXPECT_EQ(std::get<std::string>(read_admission_review("{}", "u")), "webhook response was absent");
  EXPECT_TRUE(std::holds_alternative<std::string>(read_admission_review("not json", "u")));
  // A response without `allowed` is a denial.
  EXPECT_FALSE(std::get<ReviewVerdict>(read_admission_review(answer({{"uid", "u"}}), "u")).allowed);
}

TEST(AdmissionReview, DenialKeepsTheWebhooksStatusWithACodeOfAtLeast400) {
  ApiFailure f = webhook_denial("deny.example.com", {{"message", "no"}, {"code", 403}, {"reason", "Forbidden"}});
  EXPECT_EQ(f.code, 403);
  EXPECT_EQ(f.reason, "Forbidden");
  EXPECT_EQ(f.message, "admission webhook \"deny.example.com\" denied the request: no");
  f = webhook_denial("deny.example.com", {{"code", 200}, {"reason", "Because"}});
  EXPECT_EQ(f.code, 400);
  EXPECT_EQ(f.message, "admission webhook \"deny.example.com\" denied the request: Because");
  f = webhook_denial("deny.example.com", nullptr);
  EXPECT_EQ(f.code, 400);
  EXPECT_EQ(f.reason, "");
  EXPECT_EQ(f.message, "admission webhook \"deny.example.com\" denied the request without explanation");
  f = webhook_denial("v.example.com", {{"message", "bad"}, {"code", 422}});
  EXPECT_EQ(f.code, 422);
}

TEST(AdmissionReview, CallFailureIsAnInternalError) {
  ApiFailure f = webhook_call_failure("v.example.com", "failed to call webhook: boom");
  EXPECT_EQ(f.code, 500);
  EXPECT_EQ(f.reason, "InternalError");
  EXPECT_EQ(f.message, "Internal error occurred: failed calling webhook \"v.example.com\": failed to call webhook: boom");
  EXPECT_EQ(webhook_dry_run_unsupported("v.example.com").code, 400);
}

}  // namespace
}  // namespace peregrine::apiserver
