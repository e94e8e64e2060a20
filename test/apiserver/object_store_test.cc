#include "test/apiserver/object_store.h"

#include <gtest/gtest.h>

namespace peregrine::apiserver {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

class ObjectStoreTest : public ::testing::Test {
 protected:
  ObjectStore store{100};
  ResourceType cm = *store.resolve("", "v1", "configmaps");

  json make(const std::string& name, json extra = json::object()) {
    json obj = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}}}, {"data", {{"k", "v"}}}};
    obj.merge_patch(extra);
    auto r = store.create(cm, "default", obj);
    EXPECT_TRUE(std::holds_alternative<json>(r));
    return std::get<json>(r);
  }
};

TEST_F(ObjectStoreTest, CreateFillsMetadataAndRejectsDuplicatesAndBadNames) {
  json obj = make("a");
  EXPECT_FALSE(obj["metadata"]["uid"].get<std::string>().empty());
  EXPECT_EQ(obj["metadata"]["generation"], 1);
  EXPECT_EQ(std::get<ApiFailure>(store.create(cm, "default", obj)).code, 409);
  json bad = {{"metadata", {{"name", "Bad_Name"}}}};
  EXPECT_EQ(std::get<ApiFailure>(store.create(cm, "default", bad)).code, 422);
  EXPECT_EQ(std::get<ApiFailure>(store.create(cm, "nowhere", json{{"metadata", {{"name", "x"}}}})).code, 404);
}

TEST_F(ObjectStoreTest, StaleUpdateConflictsAndGenerationFollowsSpecOnly) {
  json obj = make("a");
  json changed = obj;
  changed["data"]["k"] = "w";
  json updated = std::get<json>(store.update(cm, "default", "a", changed, false));
  EXPECT_EQ(updated["metadata"]["generation"], 2);
  EXPECT_GT(std::stoull(updated["metadata"]["resourceVersion"].get<std::string>()),
            std::stoull(obj["metadata"]["resourceVersion"].get<std::string>()));
  EXPECT_EQ(std::get<ApiFailure>(store.update(cm, "default", "a", changed, false)).code, 409);
  json labelled = updated;
  labelled["metadata"]["labels"] = {{"x", "y"}};
  EXPECT_EQ(std::get<json>(store.update(cm, "default", "a", labelled, false))["metadata"]["generation"], 2);
}

TEST_F(ObjectStoreTest, ListPaginatesWithContinueTokens) {
  for (int i = 0; i < 5; ++i) make("o" + std::to_string(i));
  ListQuery q;
  q.limit = 2;
  std::vector<std::string> names;
  do {
    json page = std::get<json>(store.list(cm, q));
    for (const auto& item : page["items"]) names.push_back(item["metadata"]["name"]);
    q.continue_token = page["continue"];
  } while (!q.continue_token.empty());
  EXPECT_EQ(names, (std::vector<std::string>{"o0", "o1", "o2", "o3", "o4"}));
}

TEST_F(ObjectStoreTest, FinalizersDelayDeletionUntilRemoved) {
  json obj = make("f", {{"metadata", {{"finalizers", {"example.com/hold"}}}}});
  json pending = std::get<json>(store.remove(cm, "default", "f", Propagation::kBackground, ""));
  EXPECT_TRUE(pending["metadata"].contains("deletionTimestamp"));
  EXPECT_TRUE(std::holds_alternative<json>(store.get(cm, "default", "f")));
  pending["metadata"].erase("finalizers");
  ASSERT_TRUE(std::holds_alternative<json>(store.update(cm, "default", "f", pending, false)));
  EXPECT_EQ(std::get<ApiFailure>(store.get(cm, "default", "f")).code, 404);
}

TEST_F(ObjectStoreTest, GarbageCollectsDependentsUnlessOrphaned) {
  json owner = make("owner");
  json ref = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "owner"}, {"uid", owner["metadata"]["uid"]}};
  make("child", {{"metadata", {{"ownerReferences", {ref}}}}});
  ASSERT_TRUE(std::holds_alternative<json>(store.remove(cm, "default", "owner", Propagation::kBackground, "")));
  EXPECT_EQ(std::get<ApiFailure>(store.get(cm, "default", "child")).code, 404);

  json owner2 = make("owner2");
  ref["uid"] = owner2["metadata"]["uid"];
  make("child2", {{"metadata", {{"ownerReferences", {ref}}}}});
  ASSERT_TRUE(std::holds_alternative<json>(store.remove(cm, "default", "owner2", Propagation::kOrphan, "")));
  json orphan = std::get<json>(store.get(cm, "default", "child2"));
  EXPECT_FALSE(orphan["metadata"].contains("ownerReferences"));
}

TEST_F(ObjectStoreTest, WatchHistoryIsBoundedAndOlderVersionsAreGone) {
  uint64_t start = store.current_rv();
  make("w1");
  auto events = store.events_after(cm.storage_key(), start, milliseconds(0));
  ASSERT_EQ(std::get<std::vector<WatchEvent>>(events).size(), 1u);
  EXPECT_EQ(std::get<std::vector<WatchEvent>>(events)[0].type, "ADDED");
  store.set_history_size(0);
  make("w2");
  EXPECT_EQ(std::get<ApiFailure>(store.events_after(cm.storage_key(), start, milliseconds(0))).code, 410);
}

TEST_F(ObjectStoreTest, CrdInstallsItsResourceAndDeletingItRemovesObjects) {
  ResourceType crd_type = *store.resolve("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  json crd = json::parse(R"({"metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com",
     "scope":"Namespaced","names":{"plural":"widgets","kind":"Widget","shortNames":["wd"]},
     "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}}}]}})");
  json created = std::get<json>(store.create(crd_type, "", crd));
  EXPECT_EQ(created["status"]["conditions"][1]["type"], "Established");
  auto widget = store.resolve("example.com", "v1", "widgets");
  ASSERT_TRUE(widget);
  EXPECT_TRUE(widget->has_status);
  json w = {{"metadata", {{"name", "w"}}}, {"spec", {{"size", 1}}}, {"status", {{"ok", true}}}};
  json stored = std::get<json>(store.create(*widget, "default", w));
  EXPECT_FALSE(stored.contains("status"));  // status is only written through /status
  ASSERT_TRUE(std::holds_alternative<json>(store.remove(crd_type, "", "widgets.example.com", Propagation::kBackground, "")));
  EXPECT_FALSE(store.resolve("example.com", "v1", "widgets"));
}

}  // namespace
}  // namespace peregrine::apiserver
