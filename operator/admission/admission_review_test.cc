#include "operator/admission/admission_review.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "operator/admission/review_handler.h"

namespace peregrine::op::admission {
namespace {

using ::testing::HasSubstr;

const char* kReview = R"({
  "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
  "request": {
    "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
    "kind": {"group": "peregrine.dev", "version": "v1alpha1", "kind": "FalcoRule"},
    "resource": {"group": "peregrine.dev", "version": "v1alpha1", "resource": "falcorules"},
    "name": "web", "namespace": "team-a", "operation": "UPDATE",
    "userInfo": {"username": "alice", "groups": ["dev"]},
    "object": {"metadata": {"name": "web"}, "spec": {"rules": "- list: a\n  items: []\n"}},
    "oldObject": {"metadata": {"name": "web"}, "spec": {"rules": ""}},
    "dryRun": true, "options": {"apiVersion": "meta.k8s.io/v1", "kind": "UpdateOptions"}
  }})";

TEST(AdmissionReview, ParsesEveryFieldTheValidatorsUse) {
  auto r = parse_admission_review(kReview);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(r->group, "peregrine.dev");
  EXPECT_EQ(r->version, "v1alpha1");
  EXPECT_EQ(r->resource, "falcorules");
  EXPECT_EQ(r->kind, "FalcoRule");
  EXPECT_EQ(r->operation, "UPDATE");
  EXPECT_EQ(r->ns, "team-a");
  EXPECT_EQ(r->name, "web");
  EXPECT_EQ(r->user, "alice");
  EXPECT_TRUE(r->dry_run);
  EXPECT_EQ(r->object["spec"]["rules"], "- list: a\n  items: []\n");
  EXPECT_EQ(r->old_object["spec"]["rules"], "");
}

TEST(AdmissionReview, ACreateHasNoOldObject) {
  auto r = parse_admission_review(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
      "request": {"uid": "u", "operation": "CREATE", "object": {"spec": {}}, "oldObject": null}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->old_object.is_null());
  EXPECT_TRUE(r->object.is_object());
  EXPECT_EQ(r->ns, "");
}

TEST(AdmissionReview, MalformedReviewsSayWhatIsWrong) {
  auto error_of = [](const std::string& body) {
    auto r = parse_admission_review(body);
    return r.ok() ? std::string("(parsed)") : r.error().message;
  };
  EXPECT_EQ(error_of("{"), "the body is not JSON");
  EXPECT_EQ(error_of("[]"), "an AdmissionReview must be a JSON object");
  EXPECT_EQ(error_of(R"({"apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview"})"),
            "apiVersion must be admission.k8s.io/v1, not 'admission.k8s.io/v1beta1'");
  EXPECT_EQ(error_of(R"({"apiVersion": "admission.k8s.io/v1", "kind": "Review"})"),
            "kind must be AdmissionReview, not 'Review'");
  EXPECT_EQ(error_of(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"})"), "request is missing");
  EXPECT_EQ(error_of(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                         "request": {"operation": "CREATE"}})"),
            "request.uid is missing");
  EXPECT_EQ(error_of(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                         "request": {"uid": 7, "operation": "CREATE"}})"),
            "request.uid must be a string");
  EXPECT_EQ(error_of(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                         "request": {"uid": "u", "operation": "CREATE", "object": "x"}})"),
            "request.object must be an object");
  EXPECT_EQ(error_of(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                         "request": {"uid": "u", "operation": "CREATE", "resource": {"group": 1}}})"),
            "request.resource.group must be a string");
  EXPECT_EQ(error_of(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                         "request": {"uid": "u", "operation": "CREATE", "dryRun": "yes"}})"),
            "request.dryRun must be a boolean");
}

TEST(AdmissionReview, AnAllowedResponseCarriesNoStatus) {
  nlohmann::json r = admission_response("u1", Verdict::allow({"spec.rules:3:1: rule 'x': unused"}));
  EXPECT_EQ(r, nlohmann::json::parse(R"({"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
      "response": {"uid": "u1", "allowed": true, "warnings": ["spec.rules:3:1: rule 'x': unused"]}})"));
}

TEST(AdmissionReview, ARefusalCarriesCodeReasonAndMessage) {
  nlohmann::json r = admission_response("u2", Verdict::deny("spec.rules:1:3: bad"));
  EXPECT_EQ(r["response"], nlohmann::json::parse(R"({"uid": "u2", "allowed": false,
      "status": {"code": 422, "reason": "Invalid", "message": "spec.rules:1:3: bad"}})"));
}

TEST(AdmissionReview, WarningsAreBoundedAndCutOnCharacterBoundaries) {
  std::vector<std::string> many(kMaxWarnings + 5, "w");
  many[0] = std::string(kMaxWarningBytes - 1, 'a') + "\xc3\xa9" + "tail";  // é straddles the limit
  nlohmann::json r = admission_response("u", Verdict::allow(many));
  ASSERT_EQ(r["response"]["warnings"].size(), kMaxWarnings);
  EXPECT_EQ(r["response"]["warnings"][0], std::string(kMaxWarningBytes - 1, 'a'));
}

TEST(ReviewHandler, AnswersMalformedBodiesWith400AndThrowingValidatorsWithARefusal) {
  Validator never = [](const AdmissionRequest&) -> Verdict { throw std::runtime_error("boom"); };
  ReviewAnswer bad = answer_review(never, "not json");
  EXPECT_EQ(bad.http_status, 400);
  EXPECT_EQ(bad.body, "bad AdmissionReview: the body is not JSON\n");

  ReviewAnswer thrown = answer_review(never, kReview);
  EXPECT_EQ(thrown.http_status, 200);
  nlohmann::json r = nlohmann::json::parse(thrown.body);
  EXPECT_EQ(r["response"]["uid"], "705ab4f5-6393-11e8-b7cc-42010a800002");
  EXPECT_EQ(r["response"]["allowed"], false);
  EXPECT_EQ(r["response"]["status"]["code"], 500);
  EXPECT_THAT(r["response"]["status"]["message"].get<std::string>(), HasSubstr("boom"));
}

TEST(ReviewHandler, InvalidUtf8FromAValidatorIsReplacedNotThrown) {
  Validator cut = [](const AdmissionRequest&) { return Verdict::deny("bad \xc3"); };
  ReviewAnswer a = answer_review(cut, kReview);
  EXPECT_EQ(a.http_status, 200);
  EXPECT_FALSE(nlohmann::json::parse(a.body, nullptr, false).is_discarded());
}

}  // namespace
}  // namespace peregrine::op::admission
