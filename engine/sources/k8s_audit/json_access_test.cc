#include "engine/sources/k8s_audit/json_access.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace peregrine::engine::k8s_audit {
namespace {

// A parsed document for a test; values are valid while it lives.
class TestDoc {
 public:
  explicit TestDoc(std::string_view text) {
    auto r = parser_.parse(text.data(), text.size());
    EXPECT_FALSE(r.error()) << simdjson::error_message(r.error());
    if (!r.error()) root_ = JsonValue(r.value_unsafe());
  }
  JsonValue root() const { return root_; }

 private:
  simdjson::dom::parser parser_;
  JsonValue root_;
};

const TestDoc& doc() {
  static const TestDoc d(R"({
    "a": {"b": [10, {"c": "x"}], "s/t": 1, "m~n": 2, "": 3},
    "flag": false, "n": null, "num": 1.5
  })");
  return d;
}

TEST(AuditJsonPointer, WalksKeysAndIndexes) {
  JsonValue root = doc().root();
  EXPECT_EQ(json_dump(json_pointer_at(root, "")), json_dump(root));
  EXPECT_EQ(json_pointer_at(root, "/a/b/1/c").string(), "x");
  EXPECT_EQ(json_dump(json_pointer_at(root, "/a/b/0")), "10");
  EXPECT_EQ(json_dump(json_pointer_at(root, "/a/s~1t")), "1");
  EXPECT_EQ(json_dump(json_pointer_at(root, "/a/m~0n")), "2");
  EXPECT_EQ(json_dump(json_pointer_at(root, "/a/")), "3");
}

TEST(AuditJsonPointer, RejectsMalformedOrMissing) {
  JsonValue root = doc().root();
  EXPECT_FALSE(json_pointer_at(root, "a"));
  EXPECT_FALSE(json_pointer_at(root, "/a/m~2n"));
  EXPECT_FALSE(json_pointer_at(root, "/a/b~"));
  EXPECT_FALSE(json_pointer_at(root, "/a/b/2"));
  EXPECT_FALSE(json_pointer_at(root, "/a/b/01"));
  EXPECT_FALSE(json_pointer_at(root, "/a/b/-"));
  EXPECT_FALSE(json_pointer_at(root, "/a/b/99999999999999999999999"));
  EXPECT_FALSE(json_pointer_at(root, "/flag/x"));
  EXPECT_FALSE(is_json_pointer("x/y"));
  EXPECT_TRUE(is_json_pointer("/x~1y"));
}

TEST(AuditJsonText, RendersScalarsAndContainers) {
  JsonValue root = doc().root();
  Extraction out;
  EXPECT_EQ(json_text(root["flag"], out), "false");
  EXPECT_EQ(json_text(root["num"], out), "1.5");
  EXPECT_EQ(json_text(root["n"], out), std::nullopt);
  EXPECT_EQ(json_text(root["missing"], out), std::nullopt);
  EXPECT_EQ(json_text(root["a"]["b"], out), R"([10,{"c":"x"}])");
  // A string is a view into the document, not a copy.
  auto s = json_text(root["a"]["b"].at(1)["c"], out);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->data(), root["a"]["b"].at(1)["c"].string()->data());
}

TEST(AuditJsonText, EmptyListIsNoValue) {
  TestDoc nulls("[null]");
  Extraction out;
  out.begin_list();
  add_json_items(nulls.root(), out);
  EXPECT_FALSE(finish_list(out));
  EXPECT_FALSE(out.present());
}

TEST(AuditJsonValue, WrongTypesAreEmptyAnswers) {
  JsonValue root = doc().root();
  EXPECT_FALSE(root["flag"]["x"]);
  EXPECT_FALSE(root["a"].at(0));
  EXPECT_FALSE(root["a"]["b"].at(2));
  EXPECT_EQ(root["a"].size(), 0u);
  EXPECT_EQ(root["a"]["b"].size(), 2u);
  EXPECT_FALSE(root["num"].string());
  EXPECT_FALSE(root["flag"].is_true());
  EXPECT_TRUE(root["n"].is_null());
  EXPECT_FALSE(JsonValue().is_null());
  int count = 0;
  for (JsonValue v : root["a"].items()) {
    (void)v;
    ++count;
  }
  EXPECT_EQ(count, 0);
  EXPECT_STREQ(root["a"].type_name(), "object");
  EXPECT_STREQ(root["num"].type_name(), "number");
}

// The old DOM (std::map) kept the last of repeated keys; rules must see the same value.
TEST(AuditJsonValue, LastOfDuplicateKeysWins) {
  TestDoc d(R"({"k":"first","o":{"z":1,"a":2,"z":3},"k":"last"})");
  EXPECT_EQ(d.root()["k"].string(), "last");
  EXPECT_EQ(json_dump(d.root()["o"]), R"({"a":2,"z":3})");
}

// json_dump must write what nlohmann::json::dump() wrote for the same input: sorted keys,
// nlohmann's escapes, its number forms.
TEST(AuditJsonDump, MatchesNlohmann) {
  const char* inputs[] = {
      R"({"b":1,"a":{"y":[1,-2,3.25,1e100,1.0,18446744073709551615,-9223372036854775808],"x":null}})",
      R"({"s":"q\"b\\s/\b\f\n\r\t\u0001\u001f\u007f é ✓ \ud83d\ude00"})",
      R"(["", {}, [], true, false, 0, -0.5, 123456789012])",
      R"({"Z":1,"a":2,"_":3,"é":4,"e":5})",
  };
  for (const char* in : inputs) {
    TestDoc d(in);
    EXPECT_EQ(json_dump(d.root()), nlohmann::json::parse(in).dump()) << in;
  }
}

}  // namespace
}  // namespace peregrine::engine::k8s_audit
