#include "engine/sources/k8s_audit/json_access.h"

#include <gtest/gtest.h>

namespace peregrine::engine::k8s_audit {
namespace {

const Json kDoc = Json::parse(R"({
  "a": {"b": [10, {"c": "x"}], "s/t": 1, "m~n": 2, "": 3},
  "flag": false, "n": null, "num": 1.5
})");

TEST(AuditJsonPointer, WalksKeysAndIndexes) {
  EXPECT_EQ(json_pointer_at(kDoc, ""), &kDoc);
  ASSERT_NE(json_pointer_at(kDoc, "/a/b/1/c"), nullptr);
  EXPECT_EQ(*json_pointer_at(kDoc, "/a/b/1/c"), "x");
  EXPECT_EQ(*json_pointer_at(kDoc, "/a/b/0"), 10);
  EXPECT_EQ(*json_pointer_at(kDoc, "/a/s~1t"), 1);
  EXPECT_EQ(*json_pointer_at(kDoc, "/a/m~0n"), 2);
  EXPECT_EQ(*json_pointer_at(kDoc, "/a/"), 3);
}

TEST(AuditJsonPointer, RejectsMalformedOrMissing) {
  EXPECT_EQ(json_pointer_at(kDoc, "a"), nullptr);
  EXPECT_EQ(json_pointer_at(kDoc, "/a/m~2n"), nullptr);
  EXPECT_EQ(json_pointer_at(kDoc, "/a/b~"), nullptr);
  EXPECT_EQ(json_pointer_at(kDoc, "/a/b/2"), nullptr);
  EXPECT_EQ(json_pointer_at(kDoc, "/a/b/01"), nullptr);
  EXPECT_EQ(json_pointer_at(kDoc, "/a/b/-"), nullptr);
  EXPECT_EQ(json_pointer_at(kDoc, "/a/b/99999999999999999999999"), nullptr);
  EXPECT_EQ(json_pointer_at(kDoc, "/flag/x"), nullptr);
  EXPECT_FALSE(is_json_pointer("x/y"));
  EXPECT_TRUE(is_json_pointer("/x~1y"));
}

TEST(AuditJsonText, RendersScalarsAndContainers) {
  Extraction out;
  EXPECT_EQ(json_text(kDoc["flag"], out), "false");
  EXPECT_EQ(json_text(kDoc["num"], out), "1.5");
  EXPECT_EQ(json_text(kDoc["n"], out), std::nullopt);
  EXPECT_EQ(json_text(kDoc["a"]["b"], out), R"([10,{"c":"x"}])");
  // A string is a view into the document, not a copy.
  auto s = json_text(kDoc["a"]["b"][1]["c"], out);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->data(), kDoc["a"]["b"][1]["c"].get_ref<const std::string&>().data());
}

TEST(AuditJsonText, EmptyListIsNoValue) {
  Extraction out;
  out.begin_list();
  add_json_items(Json::parse("[null]"), out);
  EXPECT_FALSE(finish_list(out));
  EXPECT_FALSE(out.present());
}

}  // namespace
}  // namespace peregrine::engine::k8s_audit
