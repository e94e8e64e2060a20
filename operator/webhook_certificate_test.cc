// The admission webhook's shared certificate and its option checks, against the API test server.
#include "operator/webhook_certificate.h"

#include <gtest/gtest.h>

#include "kube/testing/api_test_server.h"
#include "operator/admission_webhook.h"

namespace peregrine::op {
namespace {

const kube::ResourceRef kSecrets{"", "v1", "secrets", true};

class WebhookCertificate : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    client_ = std::make_shared<kube::Client>(server_.config());
    ASSERT_TRUE(client_->create({"", "v1", "namespaces", false}, "", {{"metadata", {{"name", "peregrine-system"}}}}));
  }
  kube::testing::ApiTestServer server_;
  std::shared_ptr<kube::Client> client_;
};

TEST_F(WebhookCertificate, GeneratedOnceAndSharedByEveryReplica) {
  auto first = shared_serving_certificate(*client_, "peregrine-system", {"localhost"}, {"127.0.0.1"});
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = shared_serving_certificate(*client_, "peregrine-system", {"localhost"}, {"127.0.0.1"});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(first->cert_pem, second->cert_pem);
  EXPECT_EQ(first->key_pem, second->key_pem);
  EXPECT_EQ(first->ca_pem, second->ca_pem);
  EXPECT_TRUE(client_->get(kSecrets, "peregrine-system", kWebhookCertSecret).ok());
}

TEST_F(WebhookCertificate, AnIncompleteSecretIsAnErrorNotAnOverwrite) {
  ASSERT_TRUE(client_->create(kSecrets, "peregrine-system",
                              {{"metadata", {{"name", kWebhookCertSecret}}}, {"data", {{"tls.crt", "eA=="}}}}));
  auto cert = shared_serving_certificate(*client_, "peregrine-system", {"localhost"}, {"127.0.0.1"});
  ASSERT_FALSE(cert.ok());
  EXPECT_NE(cert.error().message.find("lacks tls.crt, tls.key or ca.crt"), std::string::npos) << cert.error().message;
}

TEST_F(WebhookCertificate, BadWebhookOptionsAreRefusedBeforeAnythingStarts) {
  AdmissionWebhookOptions o;
  o.port = 0;
  o.failure_policy = "Sometimes";
  auto hook = AdmissionWebhook::start(client_, o, [] { return std::vector<nlohmann::json>{}; });
  ASSERT_FALSE(hook.ok());
  EXPECT_NE(hook.error().message.find("Fail or Ignore"), std::string::npos);

  o.failure_policy = "Fail";
  o.cert_file = "/nonexistent/cert.pem";
  hook = AdmissionWebhook::start(client_, o, [] { return std::vector<nlohmann::json>{}; });
  ASSERT_FALSE(hook.ok());
  EXPECT_NE(hook.error().message.find("go together"), std::string::npos);

  o.key_file = "/nonexistent/key.pem";
  hook = AdmissionWebhook::start(client_, o, [] { return std::vector<nlohmann::json>{}; });
  ASSERT_FALSE(hook.ok());
  EXPECT_NE(hook.error().message.find("certificate"), std::string::npos) << hook.error().message;
}

TEST_F(WebhookCertificate, StartedWebhookIsRegisteredWithItsUrlAndCa) {
  AdmissionWebhookOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.url = "https://127.0.0.1:9443";
  auto hook = AdmissionWebhook::start(client_, o, [] { return std::vector<nlohmann::json>{}; });
  ASSERT_TRUE(hook.ok()) << hook.error().message;
  auto config = client_->get({"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", false}, "",
                             "peregrine-validating-webhook");
  ASSERT_TRUE(config.ok());
  const auto& client_config = (*config)["webhooks"][0]["clientConfig"];
  EXPECT_EQ(client_config["url"].get<std::string>().rfind("https://127.0.0.1:9443/", 0), 0u) << client_config;
  EXPECT_FALSE(client_config.value("caBundle", "").empty());
}

}  // namespace
}  // namespace peregrine::op
