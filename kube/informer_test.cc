// Informer tests against the real API test server process. Waits poll a condition with a
// generous deadline; nothing asserts on timing.
#include "kube/informer.h"

#include <gtest/gtest.h>

#include <thread>

#include "kube/testing/api_test_server.h"

namespace peregrine::kube {
namespace {

using nlohmann::json;
using testing::ApiTestServer;

const ResourceRef kPods{"", "v1", "pods", true};

json pod(const std::string& name, const std::string& node) {
  return {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", {{"name", name}}}, {"spec", {{"nodeName", node}}}};
}

template <typename F>
bool eventually(F condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

InformerOptions pods_options() {
  InformerOptions o;
  o.ref = kPods;
  o.page_size = 2;
  o.backoff_initial = std::chrono::milliseconds(20);
  o.backoff_cap = std::chrono::milliseconds(200);
  return o;
}

TEST(Informer, SyncsThenTracksAddsUpdatesDeletesWithIndex) {
  ApiTestServer server;
  auto client = std::make_shared<Client>(server.config());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client->create(kPods, "default", pod("p" + std::to_string(i), "n1")).ok());
  std::mutex mu;
  std::vector<std::string> seen;
  auto note = [&](std::string what) { std::lock_guard l(mu); seen.push_back(std::move(what)); };
  InformerHandlers handlers{
      [&](const json& o) { note("add " + o["metadata"]["name"].get<std::string>()); },
      [&](const json&, const json& o) { note("update " + o["metadata"]["name"].get<std::string>()); },
      [&](const json& o) { note("delete " + o["metadata"]["name"].get<std::string>()); }};
  Informer informer(client, pods_options(), handlers);
  informer.add_index("node", [](const json& o) {
    return std::vector<std::string>{o["spec"].value("nodeName", "")};
  });
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  EXPECT_EQ(informer.size(), 5u);
  EXPECT_EQ(informer.by_index("node", "n1").size(), 5u);

  ASSERT_TRUE(client->create(kPods, "default", pod("p9", "n2")).ok());
  ASSERT_TRUE(client->patch(kPods, "default", "p0", PatchType::kMerge, {{"spec", {{"nodeName", "n2"}}}}).ok());
  ASSERT_TRUE(client->remove(kPods, "default", "p1").ok());
  ASSERT_TRUE(eventually([&] { return informer.by_index("node", "n2").size() == 2 && informer.size() == 5; }));
  EXPECT_FALSE(informer.get("default", "p1"));
  EXPECT_EQ((*informer.get("default", "p0"))["spec"]["nodeName"], "n2");
  informer.stop();
  std::lock_guard l(mu);
  EXPECT_NE(std::find(seen.begin(), seen.end(), "add p9"), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "update p0"), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), "delete p1"), seen.end());
}

TEST(Informer, ResumesFromLastVersionWhenAWatchIsCutMidStream) {
  ApiTestServer server;
  auto client = std::make_shared<Client>(server.config());
  Informer informer(client, pods_options());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  ASSERT_TRUE(client->create(kPods, "default", pod("a", "n1")).ok());
  ASSERT_TRUE(eventually([&] { return informer.size() == 1; }));
  ASSERT_TRUE(server.admin("/_test/cut-watches"));
  ASSERT_TRUE(client->create(kPods, "default", pod("b", "n1")).ok());
  ASSERT_TRUE(eventually([&] { return informer.size() == 2; }));
  EXPECT_EQ(informer.stats().lists, 1u);  // resumed by version, no re-list
  EXPECT_GE(informer.stats().watch_restarts, 1u);
}

TEST(Informer, RelistsWhenHistoryNoLongerReachesItsVersion) {
  ApiTestServer server;
  auto client = std::make_shared<Client>(server.config());
  std::atomic<int> deletes{0};
  InformerHandlers handlers{nullptr, nullptr, [&](const json&) { deletes++; }};
  Informer informer(client, pods_options(), handlers);
  ASSERT_TRUE(client->create(kPods, "default", pod("old", "n1")).ok());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  // Stop history, cut the watch, and change the world while the informer cannot see it.
  ASSERT_TRUE(server.admin("/_test/history?size=0"));
  ASSERT_TRUE(server.admin("/_test/fail?count=3&status=503&path=/api/v1/pods"));
  ASSERT_TRUE(server.admin("/_test/cut-watches"));
  ASSERT_TRUE(client->remove(kPods, "default", "old").ok());
  ASSERT_TRUE(client->create(kPods, "default", pod("new", "n1")).ok());
  ASSERT_TRUE(eventually([&] { return informer.get("default", "new").has_value(); }));
  EXPECT_FALSE(informer.get("default", "old"));
  EXPECT_EQ(deletes.load(), 1);  // the re-list reconciled the missed delete
  EXPECT_GE(informer.stats().lists, 2u);
  EXPECT_GE(informer.stats().errors, 1u);
}

TEST(Informer, BacksOffThroughFailuresBeforeTheFirstSync) {
  ApiTestServer server;
  auto client = std::make_shared<Client>(server.config());
  ASSERT_TRUE(server.admin("/_test/fail?count=8&status=500&path=/api/v1/pods"));
  Informer informer(client, pods_options());
  informer.start();
  ASSERT_TRUE(informer.wait_for_sync(std::chrono::seconds(20)));
  EXPECT_GE(informer.stats().errors, 1u);
}

}  // namespace
}  // namespace peregrine::kube
