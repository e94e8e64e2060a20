// PayloadIntake, EventQueue and RecentAuditIds without sockets: the verdict for each kind of
// body, all-or-nothing queueing, and duplicate batches.
#include "audit-webhook/payload_intake.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace peregrine::audit {
namespace {

std::string event(const std::string& id, const std::string& stage = "ResponseComplete") {
  return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":")" + id +
         R"(","stage":")" + stage + R"(","verb":"get"})";
}

std::string list(const std::vector<std::string>& events) {
  std::string out = R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[)";
  for (size_t i = 0; i < events.size(); ++i) out += (i ? "," : "") + events[i];
  return out + "]}";
}

TEST(MediaType, AcceptsJsonWithParametersInAnyCase) {
  EXPECT_TRUE(is_json_media_type("application/json"));
  EXPECT_TRUE(is_json_media_type("Application/JSON; charset=utf-8"));
  EXPECT_TRUE(is_json_media_type(" application/json "));
  EXPECT_FALSE(is_json_media_type(""));
  EXPECT_FALSE(is_json_media_type("text/plain"));
  EXPECT_FALSE(is_json_media_type("application/jsonx"));
  EXPECT_FALSE(is_json_media_type("application/yaml"));
}

TEST(EventQueue, PushIsAllOrNothing) {
  EventQueue q(3);
  auto two = engine::parse_audit_payload(list({event("1"), event("2")}));
  ASSERT_TRUE(two.ok());
  EXPECT_TRUE(q.try_push_all(*two));
  EXPECT_TRUE(two->empty());
  auto again = engine::parse_audit_payload(list({event("3"), event("4")}));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(q.try_push_all(*again));
  EXPECT_EQ(again->size(), 2u);  // untouched: the caller still owns them
  EXPECT_EQ(q.size(), 2u);

  std::vector<engine::AuditEvent> out;
  ASSERT_TRUE(q.pop_some(out, 10));
  EXPECT_EQ(out.size(), 2u);
  q.close();
  EXPECT_FALSE(q.try_push_all(*again));
  EXPECT_FALSE(q.pop_some(out, 10));
}

TEST(EventQueue, ClosedQueueStillHandsOutWhatItHolds) {
  EventQueue q(4);
  auto one = engine::parse_audit_payload(event("1"));
  ASSERT_TRUE(one.ok());
  ASSERT_TRUE(q.try_push_all(*one));
  q.close();
  std::vector<engine::AuditEvent> out;
  EXPECT_TRUE(q.pop_some(out, 10));
  EXPECT_EQ(out.size(), 1u);
  EXPECT_FALSE(q.pop_some(out, 10));
}

TEST(RecentAuditIds, ForgetsTheOldestFirst) {
  RecentAuditIds ids(2);
  ids.insert(RecentAuditIds::key("a", "s"));
  ids.insert(RecentAuditIds::key("b", "s"));
  ids.insert(RecentAuditIds::key("c", "s"));
  EXPECT_FALSE(ids.contains(RecentAuditIds::key("a", "s")));
  EXPECT_TRUE(ids.contains(RecentAuditIds::key("b", "s")));
  EXPECT_TRUE(ids.contains(RecentAuditIds::key("c", "s")));
  EXPECT_NE(RecentAuditIds::key("ab", "c"), RecentAuditIds::key("a", "bc"));
}

class IntakeTest : public ::testing::Test {
 protected:
  EventQueue queue_{3};
  WebhookMetrics metrics_;
  PayloadIntake intake_{queue_, metrics_, 100};
};

TEST_F(IntakeTest, QueuesAWellFormedList) {
  IntakeReply r = intake_.accept("application/json", list({event("1"), event("2")}));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.queued, 2u);
  EXPECT_EQ(queue_.size(), 2u);
  EXPECT_EQ(metrics_.events_queued.load(), 2u);
  EXPECT_EQ(metrics_.responses_ok.load(), 1u);
}

TEST_F(IntakeTest, WrongMediaTypeIs415) {
  IntakeReply r = intake_.accept("application/x-www-form-urlencoded", list({event("1")}));
  EXPECT_EQ(r.status, 415);
  EXPECT_NE(r.reason.find("application/json"), std::string::npos);
  EXPECT_EQ(intake_.accept("", list({event("1")})).status, 415);
  EXPECT_EQ(metrics_.responses_unsupported_media.load(), 2u);
}

TEST_F(IntakeTest, MalformedOrForeignPayloadsAre400WithAReason) {
  for (const char* body : {"", "{", "[1,2]", R"({"kind":"Status","apiVersion":"v1"})",
                           R"({"kind":"Event","apiVersion":"audit.k8s.io/v1"})",
                           R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[7]})"}) {
    IntakeReply r = intake_.accept("application/json", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_FALSE(r.reason.empty()) << body;
  }
  EXPECT_EQ(metrics_.responses_bad_request.load(), 6u);
  EXPECT_EQ(queue_.size(), 0u);
}

TEST_F(IntakeTest, FullQueueIs429AndQueuesNothingOfTheBatch) {
  ASSERT_EQ(intake_.accept("application/json", list({event("1"), event("2")})).status, 200);
  IntakeReply r = intake_.accept("application/json", list({event("3"), event("4")}));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(queue_.size(), 2u);
  EXPECT_EQ(metrics_.events_rejected.load(), 2u);
  // The refused batch was not remembered: its retry is queued once there is room.
  std::vector<engine::AuditEvent> out;
  ASSERT_TRUE(queue_.pop_some(out, 10));
  EXPECT_EQ(intake_.accept("application/json", list({event("3"), event("4")})).status, 200);
  EXPECT_EQ(queue_.size(), 2u);
}

TEST_F(IntakeTest, BatchLargerThanTheQueueIs413NotARetryLoop) {
  IntakeReply r = intake_.accept("application/json",
                                 list({event("1"), event("2"), event("3"), event("4")}));
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.reason.find("batch-max-size"), std::string::npos);
}

TEST_F(IntakeTest, RetriedEventsAreDroppedButOtherStagesAreNot) {
  ASSERT_EQ(intake_.accept("application/json", list({event("1", "ResponseStarted")})).status, 200);
  IntakeReply r = intake_.accept(
      "application/json",
      list({event("1", "ResponseStarted"), event("1", "ResponseComplete"), event("1", "ResponseComplete")}));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.queued, 1u);
  EXPECT_EQ(r.duplicates, 2u);
  EXPECT_EQ(queue_.size(), 2u);
  EXPECT_EQ(metrics_.events_duplicate.load(), 2u);
}

TEST(Metrics, RenderedInPrometheusTextFormat) {
  WebhookMetrics m;
  WebhookMetrics::bump(m.responses_too_many_requests, 3);
  WebhookMetrics::bump(m.alerts);
  std::string text = render_prometheus(m, 5, 100);
  EXPECT_NE(text.find("# TYPE peregrine_audit_webhook_responses_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("peregrine_audit_webhook_responses_total{code=\"429\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("peregrine_audit_alerts_total 1\n"), std::string::npos);
  EXPECT_NE(text.find("peregrine_audit_queue_depth 5\n"), std::string::npos);
  EXPECT_NE(text.find("peregrine_audit_queue_capacity 100\n"), std::string::npos);
}

}  // namespace
}  // namespace peregrine::audit
