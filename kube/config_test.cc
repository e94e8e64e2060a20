#include "kube/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace peregrine::kube {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("kube-config-test-" + std::to_string(::getpid()));
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  }
};

const char* kKubeconfig = R"(apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: c1
  cluster: {server: "https://10.0.0.1:6443/", certificate-authority-data: "Q0EtUEVN"}
- name: c2
  cluster: {server: "https://other:443", certificate-authority: ca.crt, insecure-skip-tls-verify: true}
users:
- name: u1
  user: {token: tok1, client-certificate-data: Q0VSVA==, client-key-data: S0VZ}
- name: u2
  user: {tokenFile: token, client-certificate: c.pem, client-key: k.pem}
contexts:
- name: dev
  context: {cluster: c1, user: u1, namespace: team}
- name: prod
  context: {cluster: c2, user: u2}
)";

// RFC 4648 vectors; line breaks, blanks and padding are skipped; anything else is refused.
TEST(Base64Test, DecodesStandardAlphabetAndRefusesOtherBytes) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""}, {"Zg==", "f"}, {"Zm8=", "fo"}, {"Zm9v", "foo"}, {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"},
      {"Zm9vYmFy", "foobar"}, {"Zm9v\nYmFy\r\n", "foobar"}, {"+/8=", "\xfb\xff"}};
  for (const auto& [in, want] : vectors) {
    auto got = base64_decode(in);
    ASSERT_TRUE(got) << in;
    EXPECT_EQ(*got, want) << in;
  }
  for (char bad : {'-', '_', '.', '\0', '\x80', '\xff'}) EXPECT_FALSE(base64_decode(std::string("Zm9v") + bad)) << int(bad);
}

TEST_F(ConfigTest, CurrentContextWithInlineData) {
  auto c = load_kubeconfig(write("config", kKubeconfig));
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(c->server, "https://10.0.0.1:6443");
  EXPECT_EQ(c->ca_data, "CA-PEM");
  EXPECT_EQ(c->token, "tok1");
  EXPECT_EQ(c->client_cert_data, "CERT");
  EXPECT_EQ(c->client_key_data, "KEY");
  EXPECT_EQ(c->default_namespace, "team");
}

TEST_F(ConfigTest, NamedContextWithFilesRelativeToTheKubeconfig) {
  auto c = load_kubeconfig(write("config", kKubeconfig), "prod");
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(c->ca_file, (dir / "ca.crt").string());
  EXPECT_TRUE(c->insecure_skip_tls_verify);
  EXPECT_EQ(c->token_file, (dir / "token").string());
  EXPECT_EQ(c->client_cert_file, (dir / "c.pem").string());
  EXPECT_EQ(c->client_key_file, (dir / "k.pem").string());
  EXPECT_EQ(c->default_namespace, "default");
}

TEST_F(ConfigTest, ErrorsNameTheProblem) {
  auto missing = load_kubeconfig(write("config", kKubeconfig), "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("context \"nope\" not found"), std::string::npos);
  EXPECT_FALSE(load_kubeconfig((dir / "absent").string()).ok());
  EXPECT_FALSE(load_kubeconfig(write("bad", "clusters: [unclosed")).ok());
}

TEST_F(ConfigTest, InClusterReadsEnvironmentAndServiceAccountFiles) {
  write("token", "sa-token\n");
  write("namespace", "peregrine\n");
  auto c = in_cluster_config({{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}},
                             dir.string());
  ASSERT_TRUE(c.ok()) << c.error().describe();
  EXPECT_EQ(c->server, "https://10.96.0.1:443");
  EXPECT_EQ(c->token_file, (dir / "token").string());
  EXPECT_EQ(c->ca_file, (dir / "ca.crt").string());
  EXPECT_EQ(c->default_namespace, "peregrine");
  EXPECT_FALSE(in_cluster_config({}, dir.string()).ok());
  auto v6 = in_cluster_config({{"KUBERNETES_SERVICE_HOST", "fd00::1"}, {"KUBERNETES_SERVICE_PORT", "443"}},
                              dir.string());
  EXPECT_EQ(v6->server, "https://[fd00::1]:443");
}

}  // namespace
}  // namespace peregrine::kube
