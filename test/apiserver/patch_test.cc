#include "test/apiserver/patch.h"

#include <gtest/gtest.h>

namespace peregrine::apiserver {
namespace {

using nlohmann::json;

TEST(MergePatch, MergesObjectsDeletesNullsReplacesArrays) {
  json target = {{"a", 1}, {"b", {{"c", 2}, {"d", 3}}}, {"l", {1, 2}}};
  json patch = {{"a", nullptr}, {"b", {{"c", 5}}}, {"l", {9}}};
  EXPECT_EQ(apply_merge_patch(target, patch), json({{"b", {{"c", 5}, {"d", 3}}}, {"l", {9}}}));
}

TEST(JsonPatch, AppliesOperationsAndReportsFailedTest) {
  json target = {{"a", {1, 2}}};
  std::string error;
  auto ok = apply_json_patch(target, json::parse(R"([{"op":"add","path":"/a/-","value":3},
                                                     {"op":"replace","path":"/a/0","value":0}])"), &error);
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)["a"], json({0, 2, 3}));
  EXPECT_FALSE(apply_json_patch(target, json::parse(R"([{"op":"test","path":"/a/0","value":7}])"), &error));
  EXPECT_FALSE(error.empty());
}

TEST(StrategicMergePatch, MergesContainersByNameAndHonoursDirectives) {
  json target = json::parse(R"({"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]},
                                "metadata":{"finalizers":["f1"]}})");
  json patch = json::parse(R"({"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"c"}],
                                "containers":[{"name":"a","image":"x2"},{"name":"b","$patch":"delete"},
                                              {"name":"c","image":"z"}]},
                               "metadata":{"finalizers":["f2"]}})");
  json out = apply_strategic_merge_patch(target, patch);
  EXPECT_EQ(out["spec"]["containers"],
            json::parse(R"([{"name":"a","image":"x2"},{"name":"c","image":"z"}])"));
  EXPECT_EQ(out["metadata"]["finalizers"], json({"f1", "f2"}));
  EXPECT_FALSE(out["spec"].contains("$setElementOrder/containers"));
}

TEST(StrategicMergePatch, DeletesFromPrimitiveListAndRetainsKeys) {
  json target = {{"finalizers", {"a", "b"}}, {"s", {{"x", 1}, {"y", 2}}}};
  json patch = {{"$deleteFromPrimitiveList/finalizers", {"a"}}, {"s", {{"$retainKeys", {"y"}}, {"y", 3}}}};
  json out = apply_strategic_merge_patch(target, patch);
  EXPECT_EQ(out["finalizers"], json({"b"}));
  EXPECT_EQ(out["s"], json({{"y", 3}}));
}

}  // namespace
}  // namespace peregrine::apiserver

namespace peregrine::apiserver {
namespace {

TEST(StrategicMergePatch, WebhooksMergeByNameAndServicePortsByPort) {
  nlohmann::json config = {{"webhooks", {{{"name", "a.x.y"}, {"timeoutSeconds", 5}, {"sideEffects", "None"}}}}};
  auto patched = apply_strategic_merge_patch(config, {{"webhooks", {{{"name", "a.x.y"}, {"timeoutSeconds", 1}}}}});
  EXPECT_EQ(patched["webhooks"], (nlohmann::json{{{"name", "a.x.y"}, {"timeoutSeconds", 1}, {"sideEffects", "None"}}}));
  nlohmann::json svc = {{"spec", {{"ports", {{{"port", 9765}, {"targetPort", 9765}}}}}}};
  patched = apply_strategic_merge_patch(svc, {{"spec", {{"ports", {{{"port", 9765}, {"targetPort", 8443}}}}}}});
  EXPECT_EQ(patched["spec"]["ports"], (nlohmann::json{{{"port", 9765}, {"targetPort", 8443}}}));
}

}  // namespace
}  // namespace peregrine::apiserver
