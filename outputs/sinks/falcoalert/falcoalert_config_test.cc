// The `falcoalert` entry through the real config loader (Dispatcher::from_config).

#include <fstream>

#include <gtest/gtest.h>

#include "outputs/config/config_context.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::outputs {
namespace {

Result<std::unique_ptr<Dispatcher>> load(const std::string& yaml) {
  ConfigContext ctx;
  ctx.base_dir = ::testing::TempDir();
  return Dispatcher::from_config(YAML::Load(yaml), ctx);
}

std::string kubeconfig() {
  std::string path = ::testing::TempDir() + "/falcoalert-kubeconfig";
  std::ofstream(path) << "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "
                         "http://127.0.0.1:1}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: x\n  "
                         "context: {cluster: c, user: u}\ncurrent-context: x\n";
  return path;
}

TEST(FalcoAlertConfig, EveryKeyLoads) {
  auto d = load("- {name: cluster, type: falcoalert, kubeconfig: " + kubeconfig() +
                ", nodeName: node-1, namespace: peregrine-system, maxWritesPerSecond: 20, flushInterval: 500ms,"
                " maxKeys: 100, timeoutMs: 2000, minimumPriority: notice}");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)->size(), 1u);
  EXPECT_EQ((*d)->worker(0).type(), "falcoalert");
  (*d)->shutdown(std::chrono::seconds(0));
}

TEST(FalcoAlertConfig, WithoutAKubeconfigTheInClusterAccountIsLeftForTheFirstWrite) {
  auto d = load("- {name: cluster, type: falcoalert}");
  ASSERT_TRUE(d.ok()) << d.error().message;
  (*d)->shutdown(std::chrono::seconds(0));
}

TEST(FalcoAlertConfig, MistakesNameTheSinkAndTheKey) {
  struct Case {
    std::string yaml, key;
  } cases[] = {
      {"kubeconfig: /nonexistent/kubeconfig", "kubeconfig"},
      {"flushInterval: 5", "flushInterval"},
      {"flushInterval: 2h", "flushInterval"},
      {"maxWritesPerSecond: 0", "maxWritesPerSecond"},
      {"maxKeys: 0", "maxKeys"},
      {"namespace: Not_A_Namespace", "namespace"},
      {"nodeNme: x", "nodeNme"},
  };
  for (const auto& c : cases) {
    auto d = load("- {name: cluster, type: falcoalert, " + c.yaml + "}");
    ASSERT_FALSE(d.ok()) << c.yaml;
    EXPECT_NE(d.error().message.find("outputs[0] (cluster)"), std::string::npos) << d.error().message;
    EXPECT_NE(d.error().message.find(c.key), std::string::npos) << d.error().message;
  }
}

}  // namespace
}  // namespace peregrine::outputs
