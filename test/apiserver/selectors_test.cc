#include "test/apiserver/selectors.h"

#include <gtest/gtest.h>

namespace peregrine::apiserver {
namespace {

using nlohmann::json;

json object_with_labels(json labels) { return {{"metadata", {{"name", "n"}, {"labels", labels}}}}; }

TEST(LabelSelector, EqualityInequalitySetsAndExistence) {
  json obj = object_with_labels({{"app", "web"}, {"tier", "front"}});
  auto matches = [&](const std::string& text) { return Selector::parse_labels(text)->matches_labels(obj); };
  EXPECT_TRUE(matches(""));
  EXPECT_TRUE(matches("app=web"));
  EXPECT_TRUE(matches("app==web,tier!=back"));
  EXPECT_FALSE(matches("app=db"));
  EXPECT_TRUE(matches("tier in (front, back)"));
  EXPECT_FALSE(matches("tier notin (front)"));
  EXPECT_TRUE(matches("app"));
  EXPECT_FALSE(matches("!app"));
  EXPECT_TRUE(matches("!missing"));
}

TEST(LabelSelector, RejectsMalformedText) {
  EXPECT_FALSE(Selector::parse_labels("a in b"));
  EXPECT_FALSE(Selector::parse_labels("=x"));
}

TEST(FieldSelector, MatchesDottedPaths) {
  json obj = {{"metadata", {{"name", "p1"}, {"namespace", "ns"}}}, {"status", {{"phase", "Running"}}}};
  EXPECT_TRUE(Selector::parse_fields("metadata.name=p1")->matches_fields(obj));
  EXPECT_FALSE(Selector::parse_fields("metadata.name=p2")->matches_fields(obj));
  EXPECT_TRUE(Selector::parse_fields("status.phase!=Pending,metadata.namespace=ns")->matches_fields(obj));
  EXPECT_FALSE(Selector::parse_fields("app"));
}

}  // namespace
}  // namespace peregrine::apiserver
