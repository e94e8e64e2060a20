// Client tests against the real API test server process.
#include "kube/client.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "kube/testing/api_test_server.h"

namespace peregrine::kube {
namespace {

using nlohmann::json;
using testing::ApiTestServer;

const ResourceRef kConfigMaps{"", "v1", "configmaps", true};

json config_map(const std::string& name, json labels = json::object()) {
  return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"labels", labels}}},
          {"data", {{"k", "v"}}}};
}

TEST(Client, CreateGetAndErrorsCarryStatus) {
  ApiTestServer server;
  ASSERT_TRUE(server.ok());
  Client client(server.config());
  auto created = client.create(kConfigMaps, "default", config_map("a"));
  ASSERT_TRUE(created.ok()) << created.error().describe();
  EXPECT_FALSE((*created)["metadata"]["uid"].get<std::string>().empty());
  auto got = client.get(kConfigMaps, "default", "a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)["data"]["k"], "v");

  auto dup = client.create(kConfigMaps, "default", config_map("a"));
  ASSERT_FALSE(dup.ok());
  EXPECT_TRUE(dup.error().is_already_exists());
  auto missing = client.get(kConfigMaps, "default", "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.error().is_not_found());
  EXPECT_EQ(missing.error().message, "configmaps \"nope\" not found");
  auto invalid = client.create(kConfigMaps, "default", config_map("Bad_Name"));
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().http_status, 422);
  EXPECT_EQ(invalid.error().reason, "Invalid");
}

TEST(Client, StaleUpdateConflictsAndRetryWithFreshCopySucceeds) {
  ApiTestServer server;
  Client client(server.config());
  json first = *client.create(kConfigMaps, "default", config_map("c"));
  json a = first, b = first;
  a["data"]["k"] = "from-a";
  ASSERT_TRUE(client.update(kConfigMaps, "default", a).ok());
  b["data"]["k"] = "from-b";
  auto stale = client.update(kConfigMaps, "default", b);
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.error().is_conflict());
  // The caller's retry: re-read, re-apply the change, write again.
  json fresh = *client.get(kConfigMaps, "default", "c");
  fresh["data"]["k"] = "from-b";
  auto retried = client.update(kConfigMaps, "default", fresh);
  ASSERT_TRUE(retried.ok()) << retried.error().describe();
  EXPECT_EQ((*retried)["data"]["k"], "from-b");
}

TEST(Client, ListWithSelectorsAndPagination) {
  ApiTestServer server;
  Client client(server.config());
  for (int i = 0; i < 7; ++i)
    ASSERT_TRUE(client.create(kConfigMaps, "default", config_map("m" + std::to_string(i),
                                                                 {{"parity", i % 2 ? "odd" : "even"}})).ok());
  ListOptions page;
  page.limit = 3;
  auto first = client.list(kConfigMaps, "default", page);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)["items"].size(), 3u);
  EXPECT_FALSE((*first)["metadata"].value("continue", "").empty());
  auto all = client.list_all(kConfigMaps, "default", page);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)["items"].size(), 7u);
  ListOptions odd;
  odd.label_selector = "parity=odd";
  EXPECT_EQ((*client.list(kConfigMaps, "default", odd))["items"].size(), 3u);
  ListOptions by_name;
  by_name.field_selector = "metadata.name=m4";
  EXPECT_EQ((*client.list(kConfigMaps, "", by_name))["items"].size(), 1u);
}

TEST(Client, PatchesAndStatusSubresource) {
  ApiTestServer server;
  Client client(server.config());
  ResourceRef crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions", false};
  json crd = json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"gadgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced",
    "names":{"plural":"gadgets","kind":"Gadget"},
    "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}}}]}})");
  ASSERT_TRUE(client.create(crds, "", crd).ok());
  ResourceRef gadgets{"example.com", "v1", "gadgets", true};
  json g = {{"apiVersion", "example.com/v1"}, {"kind", "Gadget"}, {"metadata", {{"name", "g"}}},
            {"spec", {{"size", 1}, {"color", "red"}}}};
  ASSERT_TRUE(client.create(gadgets, "default", g).ok());

  auto merged = client.patch(gadgets, "default", "g", PatchType::kMerge, {{"spec", {{"size", 2}, {"color", nullptr}}}});
  ASSERT_TRUE(merged.ok()) << merged.error().describe();
  EXPECT_EQ((*merged)["spec"], json({{"size", 2}}));
  EXPECT_EQ((*merged)["metadata"]["generation"], 2);
  auto patched = client.patch(gadgets, "default", "g", PatchType::kJson,
                              json::parse(R"([{"op":"add","path":"/spec/color","value":"blue"}])"));
  ASSERT_TRUE(patched.ok());
  EXPECT_EQ((*patched)["spec"]["color"], "blue");
  auto smp = client.patch(gadgets, "default", "g", PatchType::kStrategic, {{"spec", {{"size", 3}}}});
  ASSERT_FALSE(smp.ok());
  EXPECT_EQ(smp.error().http_status, 415);

  auto status = client.patch(gadgets, "default", "g", PatchType::kMerge, {{"status", {{"ready", true}}}}, true);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)["status"]["ready"], true);
  EXPECT_EQ((*status)["metadata"]["generation"], 3);  // status writes do not bump generation
  json obj = *status;
  obj["status"]["ready"] = false;
  obj["spec"]["size"] = 99;  // ignored by the status subresource
  auto updated = client.update_status(gadgets, "default", obj);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ((*updated)["status"]["ready"], false);
  EXPECT_EQ((*updated)["spec"]["size"], 2);

  auto cm = client.create(kConfigMaps, "default", config_map("s"));
  auto strategic = client.patch(kConfigMaps, "default", "s", PatchType::kStrategic, {{"data", {{"x", "y"}}}});
  ASSERT_TRUE(strategic.ok());
  EXPECT_EQ((*strategic)["data"], json({{"k", "v"}, {"x", "y"}}));
}

TEST(Client, DeleteWithPropagation) {
  ApiTestServer server;
  Client client(server.config());
  json owner = *client.create(kConfigMaps, "default", config_map("owner"));
  json ref = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"name", "owner"}, {"uid", owner["metadata"]["uid"]}};
  json dep = config_map("dep");
  dep["metadata"]["ownerReferences"] = {ref};
  ASSERT_TRUE(client.create(kConfigMaps, "default", dep).ok());
  ASSERT_TRUE(client.remove(kConfigMaps, "default", "owner", Propagation::kOrphan).ok());
  auto orphan = client.get(kConfigMaps, "default", "dep");
  ASSERT_TRUE(orphan.ok());
  EXPECT_FALSE((*orphan)["metadata"].contains("ownerReferences"));

  owner = *client.create(kConfigMaps, "default", config_map("owner"));
  ref["uid"] = owner["metadata"]["uid"];
  json dep2 = config_map("dep2");
  dep2["metadata"]["ownerReferences"] = {ref};
  ASSERT_TRUE(client.create(kConfigMaps, "default", dep2).ok());
  ASSERT_TRUE(client.remove(kConfigMaps, "default", "owner", Propagation::kBackground).ok());
  EXPECT_TRUE(client.get(kConfigMaps, "default", "dep2").error().is_not_found());
}

TEST(Client, RetriesThrottlingAndReportsServerErrors) {
  ApiTestServer server;
  Client client(server.config());
  ASSERT_TRUE(server.admin("/_test/fail?count=2&status=429&retryAfter=1"));
  EXPECT_TRUE(client.get(kConfigMaps, "default", "x").error().is_not_found());  // got through after retries
  ASSERT_TRUE(server.admin("/_test/fail?count=10&status=500"));
  auto failed = client.create(kConfigMaps, "default", config_map("y"));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().http_status, 500);  // a create is not blindly repeated on a 500
  ASSERT_TRUE(server.admin("/_test/fail?count=0"));
}

TEST(Client, ServerThatStopsAnsweringTimesOut) {
  ApiTestServer server;
  ClientConfig config = server.config();
  config.request_timeout = std::chrono::milliseconds(500);
  Client client(config);
  ASSERT_TRUE(server.admin("/_test/delay?ms=60000"));
  auto result = client.get(kConfigMaps, "default", "x");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().http_status, 0);
  EXPECT_EQ(result.error().reason, "Timeout");
  int events = 0;
  auto watched = client.watch(kConfigMaps, "default", {}, [&](const WatchEvent&) { return ++events > 0; },
                              [] { return false; });
  ASSERT_FALSE(watched.ok());  // a silent stream ends too
  ASSERT_TRUE(server.admin("/_test/delay?ms=0"));
}

TEST(Client, BearerTokenFileIsReReadWhenRotated) {
  ApiTestServer server({"--token", "first"});
  ClientConfig config = server.config();
  config.token_file = server.dir() + "/token";
  std::ofstream(config.token_file) << "first\n";
  Client client(config);
  EXPECT_TRUE(client.get(kConfigMaps, "default", "x").error().is_not_found());
  ASSERT_TRUE(server.admin("/_test/tokens?set=second"));
  EXPECT_EQ(client.get(kConfigMaps, "default", "x").error().http_status, 401);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a distinct mtime
  std::ofstream(config.token_file) << "second\n";
  EXPECT_TRUE(client.get(kConfigMaps, "default", "x").error().is_not_found());
}

TEST(Client, TlsWithCaVerifiesTheServer) {
  std::string dir = ::testing::TempDir() + "/kube-tls-" + std::to_string(::getpid());
  std::string cmd = "mkdir -p " + dir + " && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                    "-addext subjectAltName=IP:127.0.0.1 -keyout " + dir + "/key.pem -out " + dir +
                    "/cert.pem >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ApiTestServer server({"--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"});
  ASSERT_TRUE(server.ok());
  ClientConfig config = server.config();
  config.ca_file = dir + "/cert.pem";
  EXPECT_TRUE(Client(config).get(kConfigMaps, "default", "x").error().is_not_found());
  config.ca_file.clear();
  std::ifstream in(dir + "/cert.pem");
  config.ca_data.assign(std::istreambuf_iterator<char>(in), {});
  EXPECT_TRUE(Client(config).get(kConfigMaps, "default", "x").error().is_not_found());
  ClientConfig untrusted = server.config();
  untrusted.request_timeout = std::chrono::milliseconds(2000);
  auto refused = Client(untrusted).get(kConfigMaps, "default", "x");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().http_status, 0);
  std::system(("rm -rf " + dir).c_str());
}

TEST(Client, WatchStreamsEventsAndReportsGone) {
  ApiTestServer server;
  Client client(server.config());
  json list = *client.list(kConfigMaps, "default");
  WatchOptions options;
  options.resource_version = list["metadata"]["resourceVersion"];
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    json obj = *client.create(kConfigMaps, "default", config_map("w"));
    obj["data"]["k"] = "2";
    (void)client.update(kConfigMaps, "default", obj);
  });
  std::vector<std::string> types;
  auto status = client.watch(kConfigMaps, "default", options, [&](const WatchEvent& ev) {
    if (ev.type != "BOOKMARK") types.push_back(ev.type);
    return types.size() < 2;
  }, [] { return false; });
  writer.join();
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(types, (std::vector<std::string>{"ADDED", "MODIFIED"}));

  ASSERT_TRUE(server.admin("/_test/history?size=0"));
  ASSERT_TRUE(client.create(kConfigMaps, "default", config_map("w2")).ok());
  auto gone = client.watch(kConfigMaps, "default", options, [](const WatchEvent&) { return true; },
                           [] { return false; });
  ASSERT_FALSE(gone.ok());
  EXPECT_TRUE(gone.error().is_gone());
}

}  // namespace
}  // namespace peregrine::kube
