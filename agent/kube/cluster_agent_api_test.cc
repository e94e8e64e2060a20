// ClusterAgent against the real API test server process (no kernel, no root): the bundle
// watch, the Lease and the pod watch as the operator and the kubelet would drive them. Waits
// poll a condition with a generous deadline; nothing asserts on timing.
#include "agent/kube/cluster_agent.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "kube/testing/api_test_server.h"

namespace peregrine::agent::cluster {
namespace {

using nlohmann::json;
using kube::testing::ApiTestServer;
using kube::bundle::Bundle;
using kube::bundle::sha256_hex;

const kube::ResourceRef kConfigMaps{"", "v1", "configmaps", true};
const kube::ResourceRef kSecrets{"", "v1", "secrets", true};
const kube::ResourceRef kLeases{"coordination.k8s.io", "v1", "leases", true};
const kube::ResourceRef kPods{"", "v1", "pods", true};
const kube::ResourceRef kNamespaces{"", "v1", "namespaces", false};
constexpr const char* kNs = "peregrine-system";
// One bundle Secret shared by every bundle of these tests.
constexpr const char* kSecret = "peregrine-bundle-secret";

template <typename F>
bool eventually(F condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

std::string rules(const std::string& name) {
  return "- rule: " + name + "\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n";
}

// The bundle's ConfigMaps: file 0 in the main object, the rest in part -1.
std::vector<json> bundle_objects(const std::string& hash, const std::vector<std::pair<std::string, std::string>>& files,
                                 bool tamper = false) {
  const std::string main = "peregrine-bundle-" + hash;
  json entries = json::array();
  json main_data = json::object(), part_data = json::object();
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& [name, text] = files[i];
    entries.push_back({{"name", name}, {"tenant", i == 0 ? "" : "team-a"}, {"object", i == 0 ? main : main + "-1"},
                       {"encoding", "identity"}, {"sha256", sha256_hex(text)}});
    (i == 0 ? main_data : part_data)[name] = tamper ? text + "#" : text;
  }
  json manifest = {{"version", 1}, {"hash", hash}, {"files", entries}, {"outputs", nullptr},
                   {"secret", kSecret}, {"secrets", {{{"dir", "team-a.hook"}, {"key", "url"}, {"secretKey", "k"}}}},
                   {"rules", json::array()}};
  main_data["manifest.json"] = manifest.dump();
  std::vector<json> out = {{{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                            {"metadata", {{"name", main}, {"namespace", kNs}}}, {"data", main_data}}};
  if (files.size() > 1) {
    out.push_back({{"apiVersion", "v1"}, {"kind", "ConfigMap"},
                   {"metadata", {{"name", main + "-1"}, {"namespace", kNs}}}, {"data", part_data}});
  }
  return out;
}

class ClusterAgentApi : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    client_ = std::make_shared<kube::Client>(server_.config());
    ASSERT_TRUE(client_->create(kNamespaces, "", {{"apiVersion", "v1"}, {"kind", "Namespace"},
                                                  {"metadata", {{"name", kNs}}}}));
    ASSERT_TRUE(client_->create(kSecrets, kNs, {{"apiVersion", "v1"}, {"kind", "Secret"},
                                                {"metadata", {{"name", kSecret}}},
                                                {"data", {{"k", "aHR0cDovL3gv"}}}}));
    store_ = std::filesystem::temp_directory_path() / ("peregrine-cluster-agent-" + std::to_string(::getpid()));
    ClusterOptions options{"node-1", "", kNs, store_.string()};
    agent_ = std::make_unique<ClusterAgent>(
        client_, options,
        [this](const Bundle& b, const std::string& dir) {
          std::lock_guard lock(mu_);
          if (b.files.size() > 0 && b.files[0].text.find("refuse") != std::string::npos) return std::string("refused");
          applied_.push_back(b);
          dirs_.push_back(dir);
          return std::string();
        },
        [](const std::string&) {});
    agent_->start();
  }
  void TearDown() override {
    agent_.reset();
    std::filesystem::remove_all(store_);
  }

  void publish(const std::vector<json>& objects) {
    for (const json& o : objects) ASSERT_TRUE(client_->create(kConfigMaps, kNs, o));
  }
  void assign(const std::string& hash) {
    json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"},
               {"metadata", {{"name", "peregrine-assignments"}, {"namespace", kNs}}},
               {"data", {{"node-1", "peregrine-bundle-" + hash}, {"node-2", "peregrine-bundle-other"}}}};
    auto existing = client_->get(kConfigMaps, kNs, "peregrine-assignments");
    if (existing) {
      cm["metadata"]["resourceVersion"] = (*existing)["metadata"]["resourceVersion"];
      ASSERT_TRUE(client_->update(kConfigMaps, kNs, cm));
    } else {
      ASSERT_TRUE(client_->create(kConfigMaps, kNs, cm));
    }
  }
  json lease_annotations() {
    auto lease = client_->get(kLeases, kNs, "peregrine-agent-node-1");
    if (!lease) return json::object();
    return (*lease)["metadata"].value("annotations", json::object());
  }
  bool lease_says(const std::string& bundle, bool with_error) {
    json a = lease_annotations();
    return a.value("peregrine.dev/bundle", "?") == bundle && a.contains("peregrine.dev/bundle-error") == with_error;
  }
  size_t applied() {
    std::lock_guard lock(mu_);
    return applied_.size();
  }

  ApiTestServer server_;
  std::shared_ptr<kube::Client> client_;
  std::filesystem::path store_;
  std::unique_ptr<ClusterAgent> agent_;
  std::mutex mu_;
  std::vector<Bundle> applied_;
  std::vector<std::string> dirs_;
};

TEST_F(ClusterAgentApi, LeaseBeforeAnyBundleThenAppliedBundleWithPartsTenantsAndSecret) {
  ASSERT_TRUE(eventually([&] { return lease_says("", false); }));
  auto lease = client_->get(kLeases, kNs, "peregrine-agent-node-1");
  ASSERT_TRUE(lease);
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "node-1");
  EXPECT_EQ((*lease)["metadata"]["labels"]["peregrine.dev/node"], "node-1");

  publish(bundle_objects("aaaa000000000001", {{"000-a.yaml", rules("a")}, {"010-b.yaml", rules("b")}}));
  assign("aaaa000000000001");
  ASSERT_TRUE(eventually([&] { return lease_says("aaaa000000000001", false); }));
  std::string metrics = agent_->metrics_text();
  EXPECT_NE(metrics.find("peregrine_agent_bundle_info{bundle=\"aaaa000000000001\",error=\"0\"} 1\n"),
            std::string::npos) << metrics;
  EXPECT_NE(metrics.find("peregrine_agent_bundle_loads_total 1\n"), std::string::npos) << metrics;
  std::lock_guard lock(mu_);
  ASSERT_EQ(applied_.size(), 1u);
  const Bundle& b = applied_[0];
  ASSERT_EQ(b.files.size(), 2u);
  EXPECT_EQ(b.files[0].name, "000-a.yaml");
  EXPECT_EQ(b.files[0].tenant, "");
  EXPECT_EQ(b.files[1].tenant, "team-a");
  EXPECT_EQ(b.files[1].text, rules("b"));
  ASSERT_EQ(b.secrets.size(), 1u);
  EXPECT_EQ(b.secrets[0].value, "http://x/");
  EXPECT_TRUE(std::filesystem::exists(dirs_[0] + "/010-b.yaml"));
}

TEST_F(ClusterAgentApi, BadBundlesKeepTheLastGoodAndSayWhy) {
  publish(bundle_objects("aaaa000000000002", {{"000-a.yaml", rules("a")}}));
  assign("aaaa000000000002");
  ASSERT_TRUE(eventually([&] { return lease_says("aaaa000000000002", false); }));

  publish(bundle_objects("aaaa000000000003", {{"000-a.yaml", rules("c")}}, /*tamper=*/true));
  assign("aaaa000000000003");
  ASSERT_TRUE(eventually([&] { return lease_says("aaaa000000000002", true); }));
  EXPECT_NE(lease_annotations()["peregrine.dev/bundle-error"].get<std::string>().find("sha256 mismatch"),
            std::string::npos);

  // The agent refuses the rules themselves: same report.
  publish(bundle_objects("aaaa000000000004", {{"000-a.yaml", "# refuse\n" + rules("d")}}));
  assign("aaaa000000000004");
  ASSERT_TRUE(eventually([&] {
    return lease_annotations().value("peregrine.dev/bundle-error", "") == "refused" &&
           lease_says("aaaa000000000002", true);
  }));
  EXPECT_EQ(applied(), 1u);
}

TEST_F(ClusterAgentApi, ApiErrorsAndLatePartsAreRetried) {
  // The bundle's reads fail for a while (more than the client's own retries).
  ASSERT_TRUE(server_.admin("/_test/fail?count=12&status=500&path=/api/v1/namespaces/peregrine-system/"
                            "configmaps/peregrine-bundle-aaaa000000000005"));
  std::vector<json> objects = bundle_objects("aaaa000000000005", {{"000-a.yaml", rules("a")}, {"010-b.yaml", rules("b")}});
  publish({objects[0]});
  assign("aaaa000000000005");
  ASSERT_TRUE(eventually([&] { return lease_says("", true); }));
  publish({objects[1]});
  ASSERT_TRUE(eventually([&] { return lease_says("aaaa000000000005", false); }));
  EXPECT_EQ(applied(), 1u);
}

TEST_F(ClusterAgentApi, PodsOnThisNodeBecomeContainerMetadata) {
  const std::string id(64, 'e');
  json pod = {{"apiVersion", "v1"}, {"kind", "Pod"},
              {"metadata", {{"name", "web"}, {"namespace", "default"}, {"uid", "u-1"}}},
              {"spec", {{"nodeName", "node-1"}}},
              {"status", {{"podIP", "10.0.0.9"},
                          {"containerStatuses", {{{"name", "c"}, {"image", "nginx:1"},
                                                  {"containerID", "containerd://" + id}}}}}}};
  json other = pod;
  other["metadata"]["name"] = "elsewhere";
  other["spec"]["nodeName"] = "node-2";
  other["status"]["containerStatuses"][0]["containerID"] = "containerd://" + std::string(64, 'f');
  ASSERT_TRUE(client_->create(kPods, "default", other));
  ASSERT_TRUE(client_->create(kPods, "default", pod));
  const ContainerMetadataFeed& feed = agent_->container_metadata();
  ASSERT_TRUE(eventually([&] {
    auto s = feed.current();
    return s && s->count(id) == 1;
  }));
  auto s = feed.current();
  EXPECT_EQ(s->size(), 1u);  // the other node's pod is not listed
  EXPECT_EQ(s->at(id).k8s.pod_name, "web");
  EXPECT_EQ(s->at(id).image_repository, "nginx");

  ASSERT_TRUE(client_->remove(kPods, "default", "web"));
  ASSERT_TRUE(eventually([&] { return feed.current()->empty(); }));
}

}  // namespace
}  // namespace peregrine::agent::cluster
