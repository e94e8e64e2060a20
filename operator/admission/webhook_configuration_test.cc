// The ValidatingWebhookConfiguration against the real API test server process.
#include "operator/admission/webhook_configuration.h"

#include <gtest/gtest.h>

#include "kube/testing/api_test_server.h"

namespace peregrine::op::admission {
namespace {

TEST(WebhookConfiguration, ServiceFormForTheCluster) {
  WebhookConfigurationOptions o;
  o.ca_bundle_pem = "PEM";
  nlohmann::json c = validating_webhook_configuration(o);
  EXPECT_EQ(c["metadata"]["name"], "peregrine-validating-webhook");
  ASSERT_EQ(c["webhooks"].size(), 2u);
  const nlohmann::json& rules = c["webhooks"][0];
  EXPECT_EQ(rules["name"], "falcorules.validate.peregrine.dev");
  EXPECT_EQ(rules["clientConfig"], nlohmann::json::parse(R"({"caBundle": "UEVN",
      "service": {"namespace": "peregrine-system", "name": "peregrine-webhook", "port": 443,
                  "path": "/validate-falcorule"}})"));
  EXPECT_EQ(rules["rules"], nlohmann::json::parse(R"([{"apiGroups": ["peregrine.dev"], "apiVersions": ["v1alpha1"],
      "operations": ["CREATE", "UPDATE"], "resources": ["falcorules"], "scope": "Namespaced"}])"));
  EXPECT_EQ(rules["sideEffects"], "None");
  EXPECT_EQ(rules["failurePolicy"], "Fail");
  EXPECT_EQ(rules["timeoutSeconds"], 5);
  EXPECT_EQ(rules["admissionReviewVersions"], nlohmann::json::array({"v1"}));
  EXPECT_EQ(c["webhooks"][1]["rules"][0]["resources"], nlohmann::json::array({"falcooutputs"}));
  EXPECT_EQ(c["webhooks"][1]["clientConfig"]["service"]["path"], "/validate-falcooutput");
}

TEST(WebhookConfiguration, UrlFormForTests) {
  WebhookConfigurationOptions o;
  o.url = "https://127.0.0.1:8443/";
  o.failure_policy = "Ignore";
  nlohmann::json c = validating_webhook_configuration(o);
  EXPECT_EQ(c["webhooks"][0]["clientConfig"], nlohmann::json::parse(R"({"url": "https://127.0.0.1:8443/validate-falcorule"})"));
  EXPECT_EQ(c["webhooks"][1]["clientConfig"]["url"], "https://127.0.0.1:8443/validate-falcooutput");
  EXPECT_EQ(c["webhooks"][1]["failurePolicy"], "Ignore");
}

TEST(WebhookConfiguration, ApplyCreatesThenUpdatesInPlace) {
  kube::testing::ApiTestServer server;
  ASSERT_TRUE(server.ok());
  kube::Client client(server.config());
  WebhookConfigurationOptions o;
  o.url = "https://127.0.0.1:1";
  o.ca_bundle_pem = "first";
  auto created = apply_validating_webhook_configuration(client, o);
  ASSERT_TRUE(created.ok()) << created.error().describe();
  auto first = client.get(kValidatingWebhookConfigurations, "", kWebhookConfigurationName);
  ASSERT_TRUE(first.ok()) << first.error().describe();
  EXPECT_EQ((*first)["webhooks"][0]["clientConfig"]["caBundle"], "Zmlyc3Q=");

  // Someone labels it; a restart with a new CA keeps the label and replaces the CA.
  nlohmann::json labelled = *first;
  labelled["metadata"]["labels"]["team"] = "sec";
  ASSERT_TRUE(client.update(kValidatingWebhookConfigurations, "", labelled).ok());
  o.ca_bundle_pem = "second";
  auto updated = apply_validating_webhook_configuration(client, o);
  ASSERT_TRUE(updated.ok()) << updated.error().describe();
  auto second = client.get(kValidatingWebhookConfigurations, "", kWebhookConfigurationName);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)["webhooks"][0]["clientConfig"]["caBundle"], "c2Vjb25k");
  EXPECT_EQ((*second)["webhooks"][1]["clientConfig"]["caBundle"], "c2Vjb25k");
  EXPECT_EQ((*second)["metadata"]["labels"]["team"], "sec");
  EXPECT_EQ((*second)["metadata"]["labels"]["app.kubernetes.io/part-of"], "peregrine");
  EXPECT_EQ((*second)["metadata"]["uid"], (*first)["metadata"]["uid"]);

  // Nothing to change: no write.
  std::string version = (*second)["metadata"]["resourceVersion"];
  ASSERT_TRUE(apply_validating_webhook_configuration(client, o).ok());
  auto third = client.get(kValidatingWebhookConfigurations, "", kWebhookConfigurationName);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ((*third)["metadata"]["resourceVersion"], version);
}

}  // namespace
}  // namespace peregrine::op::admission
