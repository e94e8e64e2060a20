#include "test/apiserver/table.h"

#include <gtest/gtest.h>

namespace peregrine::apiserver {
namespace {

using nlohmann::json;

TEST(JsonPath, FieldsIndexesAndFilters) {
  json obj = json::parse(R"({"spec":{"n":3,"items":[{"v":"a"},{"v":"b"}]},
                             "status":{"conditions":[{"type":"Ready","status":"True"},{"type":"X","status":"False"}]}})");
  EXPECT_EQ(eval_json_path(obj, ".spec.n"), 3);
  EXPECT_EQ(eval_json_path(obj, ".spec.items[1].v"), "b");
  EXPECT_EQ(eval_json_path(obj, ".status.conditions[?(@.type==\"Ready\")].status"), "True");
  EXPECT_TRUE(eval_json_path(obj, ".spec.missing").is_null());
}

TEST(Table, PrinterColumnsOfCustomResource) {
  ResourceType t;
  t.kind = "Widget";
  t.crd_name = "widgets.example.com";
  t.printer_columns = json::parse(R"([{"name":"Size","type":"integer","jsonPath":".spec.size"},
                                      {"name":"Color","type":"string","jsonPath":".spec.color","priority":1}])");
  json obj = json::parse(R"({"metadata":{"name":"w1"},"spec":{"size":4}})");
  json table = make_table(t, json::array({obj}), "7", "");
  EXPECT_EQ(table["kind"], "Table");
  ASSERT_EQ(table["columnDefinitions"].size(), 3u);
  EXPECT_EQ(table["columnDefinitions"][2]["priority"], 1);
  EXPECT_EQ(table["rows"][0]["cells"], json({"w1", 4, nullptr}));
  EXPECT_EQ(table["rows"][0]["object"], obj);
}

}  // namespace
}  // namespace peregrine::apiserver
