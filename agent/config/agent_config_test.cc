#include "agent/config/agent_config.h"

#include <gtest/gtest.h>

namespace peregrine::agent {
namespace {

TEST(AgentConfig, AppliesEveryKey) {
  AgentConfig c;
  Status s = apply_config_yaml(R"(
rules: [/a, /b]
output_format: json
minimum_priority: error
rule_matching: all
outputs:
  stdout: {enabled: false}
  file: {enabled: true, path: /tmp/alerts.log}
buffers: {ring_buffer_bytes: 16777216, alert_queue: 5}
metrics_addr: 127.0.0.1:9000
host_root: /host
node_name: n1
)", "cfg.yaml", c);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(c.rules, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_TRUE(c.json);
  EXPECT_EQ(c.minimum_priority, engine::Priority::kError);
  EXPECT_TRUE(c.all_matches);
  EXPECT_FALSE(c.stdout_enabled);
  EXPECT_EQ(c.file_output, "/tmp/alerts.log");
  EXPECT_EQ(c.ring_buffer_bytes, 16u << 20);
  EXPECT_EQ(c.alert_queue, 5u);
  EXPECT_EQ(c.host_root, "/host");
  EXPECT_EQ(c.node_name, "n1");
}

TEST(AgentConfig, ClusterKeysDoNotTurnClusterModeOn) {
  AgentConfig c;
  Status s = apply_config_yaml(R"(
kubeconfig: /etc/kube.conf
namespace: sec
bundle_dir: /var/tmp/bundles
secrets_dir: /var/tmp/secrets
node_name: n1
)", "cfg.yaml", c);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(c.kubeconfig, "/etc/kube.conf");
  EXPECT_EQ(c.cluster_namespace, "sec");
  EXPECT_EQ(c.bundle_dir, "/var/tmp/bundles");
  EXPECT_EQ(c.secrets_dir, "/var/tmp/secrets");
  // Only --node-name on the command line starts cluster mode.
  EXPECT_FALSE(c.cluster);
}

TEST(AgentConfig, ErrorsNameTheKeyAndLine) {
  AgentConfig c;
  Status s = apply_config_yaml("output_format: json\nbuffers:\n  ring_buffer_bytes: 1000\n", "cfg.yaml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cfg.yaml:3"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("power of two"), std::string::npos);
  s = apply_config_yaml("bogus: 1\n", "cfg.yaml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("unknown key"), std::string::npos);
  s = apply_config_yaml("minimum_priority: loud\n", "cfg.yaml", c);
  ASSERT_FALSE(s.ok());
  s = apply_config_yaml("rules: [unterminated\n", "cfg.yaml", c);
  ASSERT_FALSE(s.ok());
}

TEST(AgentConfig, KeepsAnOutputsListForTheDispatcher) {
  AgentConfig c;
  Status s = apply_config_yaml("outputs:\n  - {name: a, type: stdout}\n", "cfg.yaml", c);
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_TRUE(c.outputs.IsSequence());
  EXPECT_EQ(c.outputs[0]["name"].as<std::string>(), "a");
  EXPECT_TRUE(c.stdout_enabled);  // the list replaces stdout at run time, not here
}

TEST(AgentConfig, Workers) {
  AgentConfig c;
  EXPECT_EQ(c.workers, 1u);
  ASSERT_TRUE(apply_config_yaml("workers: 4\nbuffers: {worker_queue: 100}\n", "cfg.yaml", c).ok());
  EXPECT_EQ(c.workers, 4u);
  EXPECT_EQ(c.worker_queue, 100u);
  Status s = apply_config_yaml("workers: 0\n", "cfg.yaml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cfg.yaml:1: workers must be from 1 to 64"), std::string::npos) << s.error().message;
}

TEST(AgentConfig, HostPort) {
  auto hp = parse_host_port("127.0.0.1:8765");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->first, "127.0.0.1");
  EXPECT_EQ(hp->second, 8765);
  EXPECT_EQ(parse_host_port(":80")->first, "0.0.0.0");
  EXPECT_FALSE(parse_host_port("nohost").ok());
  EXPECT_FALSE(parse_host_port("h:99999").ok());
}

}  // namespace
}  // namespace peregrine::agent
