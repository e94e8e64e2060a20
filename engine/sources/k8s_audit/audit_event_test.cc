#include "engine/sources/k8s_audit/audit_event.h"

#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/sources/k8s_audit/audit_test_events.h"

namespace peregrine::engine {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(AuditEventParse, SingleEvent) {
  auto r = parse_audit_payload(audit_test::kPodExec, 7);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  const AuditEvent& ev = (*r)[0];
  EXPECT_EQ(ev.type, 0);
  EXPECT_EQ(ev.num, 7u);
  // stageTimestamp wins over requestReceivedTimestamp: 2024-03-05T12:30:45.612345Z.
  EXPECT_EQ(ev.timestamp_ns, 1709641845612345000ull);
  EXPECT_EQ(ev.json["verb"].string(), "create");
}

TEST(AuditEventParse, TimestampFallsBackToRequestReceived) {
  auto r = parse_audit_payload(audit_test::kClusterRoleCreate);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].timestamp_ns, 1709650800000000000ull);  // 2024-03-05T15:00:00Z
  EXPECT_EQ((*r)[0].num, 1u);
}

TEST(AuditEventParse, TimestampZeroWhenAbsentOrUnparseable) {
  auto r = parse_audit_payload(R"({"auditID":"x","stageTimestamp":"yesterday"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].timestamp_ns, 0u);
}

TEST(AuditEventParse, EventListNumbersItemsInOrder) {
  std::string list = std::string(R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1",)") +
                     R"("metadata":{},"items":[)" + audit_test::kPodExec + "," +
                     audit_test::kSecretGet + "]}";
  auto r = parse_audit_payload(list, 100);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].num, 100u);
  EXPECT_EQ((*r)[1].num, 101u);
  EXPECT_EQ((*r)[1].json["verb"].string(), "get");
}

TEST(AuditEventParse, EventListWithoutKindOrWithNullItems) {
  auto untyped = parse_audit_payload(R"({"items":[{"auditID":"a"},{"auditID":"b"}]})");
  ASSERT_TRUE(untyped.ok()) << untyped.error().message;
  EXPECT_EQ(untyped->size(), 2u);
  auto empty = parse_audit_payload(R"({"kind":"EventList","items":null})");
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_TRUE(empty->empty());
}

TEST(AuditEventParse, AcceptsV1beta1) {
  auto r = parse_audit_payload(
      R"({"kind":"Event","apiVersion":"audit.k8s.io/v1beta1","auditID":"a"})");
  EXPECT_TRUE(r.ok());
}

TEST(AuditEventParse, BadJson) {
  auto r = parse_audit_payload(R"({"kind": "Event", "auditID": )");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("not JSON: "));
  EXPECT_THAT(r.error().message, Not(HasSubstr("[json.exception")));
}

TEST(AuditEventParse, WrongKind) {
  auto r = parse_audit_payload(R"({"kind":"Foo","apiVersion":"audit.k8s.io/v1","auditID":"a"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "kind 'Foo' is not an audit Event or EventList");
}

TEST(AuditEventParse, CoreEventIsNotAnAuditEvent) {
  // A core/v1 Event has kind "Event" too; its apiVersion gives it away.
  auto r = parse_audit_payload(R"({"kind":"Event","apiVersion":"v1","reason":"Pulled"})");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("apiVersion 'v1' is not audit.k8s.io"));
}

TEST(AuditEventParse, ItemsNotAnArray) {
  auto r = parse_audit_payload(R"({"kind":"EventList","items":{"auditID":"a"}})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "EventList.items is a JSON object, not an array");
  EXPECT_THAT(r.error().message, HasSubstr("EventList.items is"));
  EXPECT_THAT(r.error().message, HasSubstr("not an array"));
}

TEST(AuditEventParse, RejectsNonObjects) {
  auto arr = parse_audit_payload(R"([{"auditID":"a"}])");
  ASSERT_FALSE(arr.ok());
  EXPECT_EQ(arr.error().message, "audit payload is a JSON array, not an object");
  auto item = parse_audit_payload(R"({"kind":"EventList","items":[{"auditID":"a"}, 42]})");
  ASSERT_FALSE(item.ok());
  EXPECT_EQ(item.error().message,
            "EventList.items[1]: audit event is a JSON number, not an object");
}

TEST(AuditEventParse, RequiresStringAuditId) {
  auto missing = parse_audit_payload(R"({"kind":"Event","verb":"get"})");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "audit event has no auditID");
  auto number = parse_audit_payload(R"({"auditID":12})");
  ASSERT_FALSE(number.ok());
  EXPECT_THAT(number.error().message, HasSubstr("auditID is a JSON number"));
}

TEST(AuditEventParse, KindMustBeAString) {
  auto r = parse_audit_payload(R"({"kind":7,"auditID":"a"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "kind is a JSON number, not a string");
}

TEST(AuditEventParse, RejectsHostileNesting) {
  std::string deep = R"({"auditID":"a","x":)" + std::string(10000, '[') +
                     std::string(10000, ']') + "}";
  auto r = parse_audit_payload(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("nests deeper than"));
  // Brackets inside strings are not nesting.
  std::string quoted = R"({"auditID":"a","x":")" + std::string(10000, '[') + "\"}";
  EXPECT_TRUE(parse_audit_payload(quoted).ok());
}

TEST(AuditEventParse, DepthCapIsExact) {
  // The event object is level 1, so 255 more levels reach the cap and one more passes it.
  auto nested = [](int levels) {
    return R"({"auditID":"a","x":)" + std::string(levels, '[') + std::string(levels, ']') + "}";
  };
  EXPECT_TRUE(parse_audit_payload(nested(255)).ok());
  auto r = parse_audit_payload(nested(256));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "JSON nests deeper than 256 levels");
}

TEST(AuditEventParse, RejectsInvalidUtf8AndTrailingGarbage) {
  auto bad = parse_audit_payload("{\"auditID\":\"a\xff\"}");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("not JSON: "));
  auto lone = parse_audit_payload(R"({"auditID":"\ud800"})");
  EXPECT_FALSE(lone.ok());
  auto trailing = parse_audit_payload(R"({"auditID":"a"} {})");
  ASSERT_FALSE(trailing.ok());
  EXPECT_THAT(trailing.error().message, HasSubstr("not JSON: "));
  EXPECT_FALSE(parse_audit_payload("").ok());
  EXPECT_FALSE(parse_audit_payload("   ").ok());
}

TEST(AuditEventParse, SkipsByteOrderMark) {
  auto r = parse_audit_payload("\xEF\xBB\xBF{\"auditID\":\"a\"}");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].audit_id(), "a");
}

TEST(AuditEventParse, IntegersBeyond64BitsAreAcceptedAsBefore) {
  // nlohmann read them as doubles; simdjson refuses them, so such payloads take the slow path.
  auto r = parse_audit_payload(R"({"auditID":"a","n":123456789012345678901234567890,"s":"x"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].json["s"].string(), "x");
  EXPECT_EQ(k8s_audit::json_dump((*r)[0].json["n"]), "1.2345678901234568e+29");
  auto overflow = parse_audit_payload(R"({"auditID":"a","n":1e400})");
  ASSERT_FALSE(overflow.ok());
  EXPECT_THAT(overflow.error().message, HasSubstr("not JSON: "));
}

TEST(AuditEventParse, DuplicateKeysKeepTheLast) {
  auto r = parse_audit_payload(R"({"auditID":"first","verb":"get","auditID":"last"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].audit_id(), "last");
  auto number_last = parse_audit_payload(R"({"auditID":"a","auditID":7})");
  ASSERT_FALSE(number_last.ok());
  EXPECT_THAT(number_last.error().message, HasSubstr("auditID is a JSON number"));
}

TEST(AuditEventParse, HugeAndOddStrings) {
  std::string big(4 << 20, 'x');
  auto r = parse_audit_payload(R"({"auditID":"a","requestURI":")" + big +
                               R"(","user":{"username":"nul\u0000in"}})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].json["requestURI"].string()->size(), big.size());
  EXPECT_EQ((*r)[0].json["user"]["username"].string(), std::string_view("nul\0in", 6));
  // The thread's parser gave its big buffers back; a small payload still parses.
  EXPECT_TRUE(parse_audit_payload(R"({"auditID":"b"})").ok());
}

TEST(AuditEventParse, EventsOutliveTheirBatchVector) {
  // Events share the payload's document: one copied out of the batch keeps it alive.
  AuditEvent kept;
  {
    auto r = parse_audit_payload(R"({"items":[{"auditID":"a","verb":"get"},{"auditID":"b"}]})");
    ASSERT_TRUE(r.ok()) << r.error().message;
    kept = (*r)[0];
  }
  EXPECT_EQ(kept.audit_id(), "a");
  EXPECT_EQ(kept.json["verb"].string(), "get");
  EXPECT_EQ(kept.stage(), "");
}

TEST(AuditEventParse, ReleasedDocumentsAreReusedSafely) {
  // Documents go back to a pool when their last event goes; a live event's must not be reused.
  auto first = parse_audit_payload(R"({"items":[{"auditID":"a1","verb":"get"}]})");
  ASSERT_TRUE(first.ok()) << first.error().message;
  for (int round = 0; round < 20; ++round) {
    std::string id = "b" + std::to_string(round);
    auto r = parse_audit_payload(R"({"auditID":")" + id + R"(","verb":"list"})");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ((*r)[0].audit_id(), id);
    EXPECT_EQ((*r)[0].json["verb"].string(), "list");
    EXPECT_NE((*r)[0].payload, (*first)[0].payload);
  }
  EXPECT_EQ((*first)[0].audit_id(), "a1");
  EXPECT_EQ((*first)[0].json["verb"].string(), "get");
}

TEST(AuditEventParse, NullAuditIdIsMissing) {
  auto r = parse_audit_payload(R"({"items":[{"auditID":"a"},{"auditID":null}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "EventList.items[1]: audit event has no auditID");
}

TEST(AuditEventMake, FromNlohmannValue) {
  auto ev = make_audit_event(nlohmann::json{{"auditID", "x"}, {"verb", "list"}}, 9);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(ev->num, 9u);
  EXPECT_EQ(ev->json["verb"].string(), "list");
  auto arr = make_audit_event(nlohmann::json::array(), 1);
  ASSERT_FALSE(arr.ok());
  EXPECT_EQ(arr.error().message, "audit event is a JSON array, not an object");
}

TEST(AuditEventLines, ReadsEventsAndListsSkippingBlankLines) {
  std::stringstream in;
  in << R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a","verb":"get"})" << "\n"
     << "   \n"
     << R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1",)"
     << R"("items":[{"auditID":"b"},{"auditID":"c"}]})"
     << "\r\n"
     << R"({"auditID":"d"})";  // no final newline
  auto r = read_audit_lines(in, 10);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 4u);
  for (size_t i = 0; i < r->size(); ++i) EXPECT_EQ((*r)[i].num, 10 + i);
  EXPECT_EQ((*r)[3].audit_id(), "d");
}

TEST(AuditEventLines, ErrorNamesTheLine) {
  std::stringstream in;
  in << R"({"auditID":"a"})" << "\n\n"
     << R"({"auditID":"b", oops})" << "\n"
     << R"({"auditID":"c"})" << "\n";
  auto r = read_audit_lines(in);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, ::testing::StartsWith("line 3: not JSON: "));
}

TEST(AuditEventLines, KindErrorNamesTheLine) {
  std::stringstream in;
  in << R"({"auditID":"a"})" << "\n" << R"({"kind":"Pod","auditID":"b"})" << "\n";
  auto r = read_audit_lines(in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "line 2: kind 'Pod' is not an audit Event or EventList");
}

TEST(AuditEventLines, EmptyStreamIsNoEvents) {
  std::stringstream in;
  auto r = read_audit_lines(in);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace peregrine::engine
