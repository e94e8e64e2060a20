#include "operator/label_selector.h"

#include <gtest/gtest.h>

namespace peregrine::op {
namespace {

using nlohmann::json;

const Labels kNode = {{"kubernetes.io/os", "linux"}, {"zone", "a"}, {"gpu", ""}};

bool matches(const json& selector) {
  auto r = selector_matches(selector, kNode);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() && *r;
}

TEST(LabelSelector, AbsentOrEmptySelectsEverything) {
  EXPECT_TRUE(matches(nullptr));
  EXPECT_TRUE(matches(json::object()));
  EXPECT_TRUE(matches({{"matchLabels", json::object()}, {"matchExpressions", json::array()}}));
}

TEST(LabelSelector, MatchLabelsNeedsEveryPairWithItsValue) {
  EXPECT_TRUE(matches({{"matchLabels", {{"kubernetes.io/os", "linux"}, {"zone", "a"}}}}));
  EXPECT_FALSE(matches({{"matchLabels", {{"kubernetes.io/os", "linux"}, {"zone", "b"}}}}));
  EXPECT_FALSE(matches({{"matchLabels", {{"missing", "x"}}}}));
  EXPECT_TRUE(matches({{"matchLabels", {{"gpu", ""}}}}));
}

TEST(LabelSelector, Expressions) {
  auto expr = [](std::string op, json values) {
    json e = {{"key", "zone"}, {"operator", op}};
    if (!values.is_null()) e["values"] = values;
    return json{{"matchExpressions", {e}}};
  };
  EXPECT_TRUE(matches(expr("In", {"a", "b"})));
  EXPECT_FALSE(matches(expr("In", {"b"})));
  EXPECT_TRUE(matches(expr("NotIn", {"b"})));
  EXPECT_FALSE(matches(expr("NotIn", {"a"})));
  EXPECT_TRUE(matches(expr("Exists", nullptr)));
  EXPECT_FALSE(matches(expr("DoesNotExist", nullptr)));
  json absent = {{"matchExpressions", {{{"key", "nope"}, {"operator", "NotIn"}, {"values", {"a"}}}}}};
  EXPECT_TRUE(matches(absent)) << "NotIn holds for a missing label, as in Kubernetes";
  json absent_in = {{"matchExpressions", {{{"key", "nope"}, {"operator", "DoesNotExist"}}}}};
  EXPECT_TRUE(matches(absent_in));
}

TEST(LabelSelector, LabelsAndExpressionsAreAnded) {
  json s = {{"matchLabels", {{"zone", "a"}}},
            {"matchExpressions", {{{"key", "kubernetes.io/os"}, {"operator", "In"}, {"values", {"windows"}}}}}};
  EXPECT_FALSE(matches(s));
}

TEST(LabelSelector, MalformedRequirementsAreErrors) {
  auto bad = [](json s) { return !selector_matches(s, kNode).ok(); };
  EXPECT_TRUE(bad({{"matchExpressions", {{{"key", "zone"}, {"operator", "Near"}}}}}));
  EXPECT_TRUE(bad({{"matchExpressions", {{{"key", "zone"}, {"operator", "In"}}}}}));
  EXPECT_TRUE(bad({{"matchExpressions", {{{"key", "zone"}, {"operator", "Exists"}, {"values", {"a"}}}}}}));
  EXPECT_TRUE(bad({{"matchExpressions", {{{"operator", "Exists"}}}}}));
  EXPECT_TRUE(bad("text"));
}

TEST(LabelSelector, LabelsOfSkipsNonStrings) {
  json node = {{"metadata", {{"labels", {{"a", "1"}, {"b", 2}}}}}};
  EXPECT_EQ(labels_of(node), (Labels{{"a", "1"}}));
  EXPECT_TRUE(labels_of(json::object()).empty());
}

}  // namespace
}  // namespace peregrine::op
