#include "audit-webhook/config_file.h"

#include <gtest/gtest.h>

#include "audit-webhook/testing/test_pki.h"

namespace peregrine::audit {
namespace {

TEST(ConfigFile, KeepsTheOutputsListAndItsFile) {
  testing::TempDir dir;
  std::string path = dir.write("c.yaml", "outputs:\n  - {name: f, type: file, path: a.json}\n");
  CommandSettings s;
  ASSERT_TRUE(apply_config_file(path, s).ok());
  ASSERT_TRUE(s.outputs.IsSequence());
  EXPECT_EQ(s.outputs[0]["type"].as<std::string>(), "file");
  EXPECT_EQ(s.config_path, path);
  std::string bad = dir.write("d.yaml", "outputs: {name: f}\n");
  Status st = apply_config_file(bad, s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find(bad + ":1:10: outputs must be a list"), std::string::npos) << st.error().message;
}

TEST(ConfigFile, AppliesEverySetting) {
  testing::TempDir dir;
  std::string path = dir.write("c.yaml", R"(listen: "[::1]:8443"
path: /audit
rules: [/a.yaml, /b]
tls_cert: /c
tls_key: /k
client_ca: /ca
token_file: /t
output: json
all_matches: true
max_body_bytes: 1024
queue_capacity: 10
evaluation_threads: 2
http_threads: 3
read_timeout_ms: 1500
write_timeout_ms: 2500
reload_interval_ms: 0
)");
  CommandSettings s;
  ASSERT_TRUE(apply_config_file(path, s).ok());
  EXPECT_EQ(s.webhook.server.host, "::1");
  EXPECT_EQ(s.webhook.server.port, 8443);
  EXPECT_EQ(s.webhook.server.path, "/audit");
  EXPECT_EQ(s.webhook.rule_paths, (std::vector<std::string>{"/a.yaml", "/b"}));
  EXPECT_EQ(s.webhook.server.tls.client_ca, "/ca");
  EXPECT_EQ(s.token_file, "/t");
  EXPECT_EQ(s.format, AlertFormat::kJson);
  EXPECT_EQ(s.webhook.evaluation.matching, engine::RuleMatching::kAll);
  EXPECT_EQ(s.webhook.server.max_body_bytes, 1024u);
  EXPECT_EQ(s.webhook.queue_capacity, 10u);
  EXPECT_EQ(s.webhook.evaluation.threads, 2u);
  EXPECT_EQ(s.webhook.server.http_threads, 3u);
  EXPECT_EQ(s.webhook.server.read_timeout.count(), 1500);
  EXPECT_EQ(s.webhook.server.write_timeout.count(), 2500);
  EXPECT_EQ(s.webhook.reload_poll.count(), 0);
}

TEST(ConfigFile, MistakesArePositioned) {
  testing::TempDir dir;
  CommandSettings s;
  Status unknown = apply_config_file(dir.write("a.yaml", "path: /x\nlisten_port: 1\n"), s);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("a.yaml:2:"), std::string::npos) << unknown.error().message;
  EXPECT_NE(unknown.error().message.find("unknown setting 'listen_port'"), std::string::npos);

  Status bad = apply_config_file(dir.write("b.yaml", "queue_capacity: lots\n"), s);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("b.yaml:1:17: queue_capacity must be"), std::string::npos)
      << bad.error().message;

  Status syntax = apply_config_file(dir.write("c.yaml", "path: [\n"), s);
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.error().message.find("c.yaml:"), std::string::npos);

  EXPECT_FALSE(apply_config_file(dir.file("missing.yaml"), s).ok());
}

TEST(ListenAddress, HostAndPort) {
  std::string host;
  int port = -1;
  ASSERT_TRUE(parse_listen_address("127.0.0.1:0", host, port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 0);
  EXPECT_FALSE(parse_listen_address("9765", host, port).ok());
  EXPECT_FALSE(parse_listen_address(":9765", host, port).ok());
  EXPECT_FALSE(parse_listen_address("h:70000", host, port).ok());
}

}  // namespace
}  // namespace peregrine::audit
