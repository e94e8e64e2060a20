// The whole admission path: the API test server (which calls validating webhooks as
// kube-apiserver does) → the ValidatingWebhookConfiguration this module writes → its HTTPS
// server with a generated certificate → the default validators.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "kube/testing/api_test_server.h"
#include "operator/admission/webhook_configuration.h"
#include "operator/admission/webhook_server.h"

namespace peregrine::op::admission {
namespace {

using ::testing::HasSubstr;

const kube::ResourceRef kCrds{"apiextensions.k8s.io", "v1", "customresourcedefinitions", false};
const kube::ResourceRef kFalcoRules{"peregrine.dev", "v1alpha1", "falcorules", true};
const kube::ResourceRef kFalcoOutputs{"peregrine.dev", "v1alpha1", "falcooutputs", true};

nlohmann::json to_json(const YAML::Node& n) {
  if (n.IsMap()) {
    nlohmann::json o = nlohmann::json::object();
    for (const auto& kv : n) o[kv.first.Scalar()] = to_json(kv.second);
    return o;
  }
  if (n.IsSequence()) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& item : n) a.push_back(to_json(item));
    return a;
  }
  const std::string& s = n.Scalar();
  if (n.Tag() == "?") {
    if (s == "true" || s == "false") return s == "true";
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string::npos) return std::stoll(s);
  }
  return s;
}

class AdmissionThroughTheApiServer : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(api_.ok());
    auto ns = client_.create(kube::ResourceRef{"", "v1", "namespaces", false}, "",
                             {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "team-a"}}}});
    ASSERT_TRUE(ns.ok()) << ns.error().describe();
    for (const char* crd : {"peregrine.dev_falcorules.yaml", "peregrine.dev_falcooutputs.yaml"}) {
      auto created = client_.create(kCrds, "", to_json(YAML::LoadFile(std::string(PEREGRINE_SOURCE_DIR) + "/crds/" + crd)));
      ASSERT_TRUE(created.ok()) << created.error().describe();
    }
    auto cert = generate_serving_certificate(service_dns_names("peregrine-webhook", "peregrine-system"), {"127.0.0.1"});
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    WebhookServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.certificate = *cert;
    auto server = WebhookServer::create(
        options, {{kFalcoRulePath, falco_rule_alone_validator(engine_)}, {kFalcoOutputPath, falco_output_validator()}});
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    ASSERT_TRUE(server_->start().ok());
    WebhookConfigurationOptions config;
    config.url = "https://127.0.0.1:" + std::to_string(server_->port());
    config.ca_bundle_pem = cert->ca_pem;
    auto applied = apply_validating_webhook_configuration(client_, config);
    ASSERT_TRUE(applied.ok()) << applied.error().describe();
  }

  nlohmann::json falco_rule(const std::string& name, const std::string& rules) {
    return {{"apiVersion", "peregrine.dev/v1alpha1"}, {"kind", "FalcoRule"},
            {"metadata", {{"name", name}}}, {"spec", {{"rules", rules}}}};
  }

  kube::testing::ApiTestServer api_;
  kube::Client client_{api_.config()};
  engine::Engine engine_{"test-host"};
  std::unique_ptr<WebhookServer> server_;
};

TEST_F(AdmissionThroughTheApiServer, FalcoRulesThatDoNotLoadAreRefusedWithTheirPosition) {
  auto good = client_.create(kFalcoRules, "team-a", falco_rule("good", "- list: shells\n  items: [bash]\n"));
  ASSERT_TRUE(good.ok()) << good.error().describe();

  auto bad = client_.create(kFalcoRules, "team-a",
                            falco_rule("bad", "- list: shells\n  items: [bash]\n- rule: r\n  condition: evt.type = (\n"
                                              "  output: o\n  priority: WARNING\n  desc: d\n"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().http_status, 422);
  EXPECT_THAT(bad.error().message,
              HasSubstr("admission webhook \"falcorules.validate.peregrine.dev\" denied the request: spec.rules:4:"));
  EXPECT_FALSE(client_.get(kFalcoRules, "team-a", "bad").ok());

  // An update is checked too.
  nlohmann::json changed = *good;
  changed["spec"]["rules"] = "- macro: m\n  condition: and\n";
  auto updated = client_.update(kFalcoRules, "team-a", changed);
  ASSERT_FALSE(updated.ok());
  EXPECT_THAT(updated.error().message, HasSubstr("spec.rules:2:"));
}

TEST_F(AdmissionThroughTheApiServer, FalcoOutputsAreCheckedByTheOutputsLoader) {
  nlohmann::json output = {{"apiVersion", "peregrine.dev/v1alpha1"}, {"kind", "FalcoOutput"},
                           {"metadata", {{"name", "siem"}}},
                           {"spec", {{"type", "webhook"}, {"url", "https://siem.example/"}}}};
  auto ok = client_.create(kFalcoOutputs, "team-a", output);
  ASSERT_TRUE(ok.ok()) << ok.error().describe();

  output["metadata"]["name"] = "templated";
  output["spec"]["template"] = "${rule} ${nonsense}";
  auto bad = client_.create(kFalcoOutputs, "team-a", output);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("denied the request: spec: 'template' "));
}

}  // namespace
}  // namespace peregrine::op::admission
