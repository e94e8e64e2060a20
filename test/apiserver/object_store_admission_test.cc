// ObjectStore writes with an admission step and dry run.
#include <gtest/gtest.h>

#include "test/apiserver/object_store.h"

namespace peregrine::apiserver {
namespace {

using nlohmann::json;

class StoreAdmissionTest : public ::testing::Test {
 protected:
  ObjectStore store{100};
  ResourceType cm = *store.resolve("", "v1", "configmaps");
  json base = {{"metadata", {{"name", "a"}}}, {"data", {{"k", "v"}}}};
};

TEST_F(StoreAdmissionTest, AdmissionSeesTheObjectToBeStoredAndCanRefuseIt) {
  std::vector<std::string> seen;
  WriteOptions refuse;
  refuse.admit = [&](const WriteAttempt& w) -> std::optional<ApiFailure> {
    seen.push_back(w.operation);
    EXPECT_EQ(w.ns, "default");
    EXPECT_EQ(w.name, "a");
    EXPECT_EQ((*w.object)["metadata"]["namespace"], "default");
    EXPECT_FALSE((*w.object)["metadata"].value("uid", "").empty());
    EXPECT_EQ(w.old_object, nullptr);
    // Called without the store's lock: reading the store here must not deadlock.
    EXPECT_TRUE(std::holds_alternative<ApiFailure>(store.get(cm, "default", "a")));
    return ApiFailure{403, "Forbidden", "no", nullptr};
  };
  auto refused = store.create(cm, "default", base, refuse);
  ASSERT_TRUE(std::holds_alternative<ApiFailure>(refused));
  EXPECT_EQ(std::get<ApiFailure>(refused).code, 403);
  EXPECT_EQ(seen, std::vector<std::string>{"CREATE"});
  EXPECT_TRUE(std::holds_alternative<ApiFailure>(store.get(cm, "default", "a")));
}

TEST_F(StoreAdmissionTest, UpdateAndDeleteCarryTheOldObject) {
  store.create(cm, "default", base);
  WriteOptions options;
  std::string op;
  options.admit = [&](const WriteAttempt& w) -> std::optional<ApiFailure> {
    op = w.operation;
    EXPECT_EQ((*w.old_object)["data"]["k"], "v");
    if (w.operation == "UPDATE") {
      EXPECT_EQ((*w.object)["data"]["k"], "w");
    } else {
      EXPECT_EQ(w.object, nullptr);
    }
    return std::nullopt;
  };
  auto updated = store.patch(cm, "default", "a", PatchKind::kMerge, {{"data", {{"k", "w"}}}}, false, options);
  EXPECT_EQ(op, "UPDATE");
  EXPECT_EQ(std::get<json>(updated)["data"]["k"], "w");
  // Put it back for the DELETE check of the old object.
  store.patch(cm, "default", "a", PatchKind::kMerge, {{"data", {{"k", "v"}}}}, false);
  store.remove(cm, "default", "a", Propagation::kBackground, "", options);
  EXPECT_EQ(op, "DELETE");
  EXPECT_TRUE(std::holds_alternative<ApiFailure>(store.get(cm, "default", "a")));
}

TEST_F(StoreAdmissionTest, PatchRacingAnotherWriterIsRecomputedAndAdmittedAgain) {
  store.create(cm, "default", base);
  int calls = 0;
  WriteOptions options;
  options.admit = [&](const WriteAttempt&) -> std::optional<ApiFailure> {
    if (++calls == 1) store.patch(cm, "default", "a", PatchKind::kMerge, {{"data", {{"other", "x"}}}}, false);
    return std::nullopt;
  };
  auto result = store.patch(cm, "default", "a", PatchKind::kMerge, {{"data", {{"k", "w"}}}}, false, options);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(std::get<json>(result)["data"], (json{{"k", "w"}, {"other", "x"}}));
}

TEST_F(StoreAdmissionTest, DryRunWritesNothing) {
  WriteOptions dry;
  dry.dry_run = true;
  auto created = store.create(cm, "default", base, dry);
  ASSERT_TRUE(std::holds_alternative<json>(created));
  EXPECT_TRUE(std::holds_alternative<ApiFailure>(store.get(cm, "default", "a")));
  store.create(cm, "default", base);
  store.patch(cm, "default", "a", PatchKind::kMerge, {{"data", {{"k", "w"}}}}, false, dry);
  store.remove(cm, "default", "a", Propagation::kBackground, "", dry);
  EXPECT_EQ(std::get<json>(store.get(cm, "default", "a"))["data"]["k"], "v");
}

}  // namespace
}  // namespace peregrine::apiserver
