// The server over real TLS on loopback, verified by a client that trusts only the generated CA.
#include "operator/admission/webhook_server.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

namespace peregrine::op::admission {
namespace {

using ::testing::HasSubstr;

std::string review(const std::string& uid, const nlohmann::json& object) {
  return nlohmann::json{{"apiVersion", "admission.k8s.io/v1"},
                        {"kind", "AdmissionReview"},
                        {"request",
                         {{"uid", uid},
                          {"operation", "CREATE"},
                          {"namespace", "team-a"},
                          {"name", "x"},
                          {"resource", {{"group", "peregrine.dev"}, {"version", "v1alpha1"}, {"resource", "falcorules"}}},
                          {"object", object}}}}
      .dump();
}

class WebhookServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cert = generate_serving_certificate({"peregrine-webhook.peregrine-system.svc"}, {"127.0.0.1"});
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    dir_ = ::testing::TempDir() + "/webhook_server_test." + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ + "/ca.crt") << cert->ca_pem;
    WebhookServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.certificate = *cert;
    options.max_body_bytes = 64 * 1024;
    std::map<std::string, Validator> routes;
    routes[kFalcoRulePath] = falco_rule_alone_validator(engine_);
    routes[kFalcoOutputPath] = [](const AdmissionRequest&) -> Verdict { throw std::logic_error("unreachable"); };
    auto server = WebhookServer::create(options, std::move(routes));
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    ASSERT_TRUE(server_->start().ok());
  }
  void TearDown() override {
    if (server_) server_->stop();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<httplib::SSLClient> client(const std::string& ca_file) {
    auto c = std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port());
    c->set_ca_cert_path(ca_file.c_str());
    c->enable_server_certificate_verification(true);
    c->set_connection_timeout(5);
    c->set_read_timeout(10);
    return c;
  }

  engine::Engine engine_{"test-host"};
  std::string dir_;
  std::unique_ptr<WebhookServer> server_;
};

TEST_F(WebhookServerTest, AnswersReviewsOverVerifiedTls) {
  auto c = client(dir_ + "/ca.crt");
  auto ok = c->Post(kFalcoRulePath, review("uid-1", {{"spec", {{"rules", "- list: a\n  items: [x]\n"}}}}),
                    "application/json");
  ASSERT_TRUE(ok) << httplib::to_string(ok.error());
  EXPECT_EQ(ok->status, 200);
  nlohmann::json r = nlohmann::json::parse(ok->body);
  EXPECT_EQ(r["apiVersion"], "admission.k8s.io/v1");
  EXPECT_EQ(r["kind"], "AdmissionReview");
  EXPECT_EQ(r["response"]["uid"], "uid-1");
  EXPECT_EQ(r["response"]["allowed"], true);

  auto refused = c->Post(kFalcoRulePath, review("uid-2", {{"spec", {{"rules", "- rule: r\n  condition: (\n"}}}}),
                         "application/json");
  ASSERT_TRUE(refused);
  nlohmann::json d = nlohmann::json::parse(refused->body);
  EXPECT_EQ(d["response"]["uid"], "uid-2");
  EXPECT_EQ(d["response"]["allowed"], false);
  EXPECT_EQ(d["response"]["status"]["code"], 422);
  EXPECT_THAT(d["response"]["status"]["message"].get<std::string>(), ::testing::StartsWith("spec.rules:"));
}

TEST_F(WebhookServerTest, AClientThatTrustsAnotherCaIsRefusedTheHandshake) {
  auto other = generate_serving_certificate({"x"}, {});
  ASSERT_TRUE(other.ok());
  std::ofstream(dir_ + "/other.crt") << other->ca_pem;
  auto c = client(dir_ + "/other.crt");
  auto res = c->Post(kFalcoRulePath, review("u", {{"spec", {{"rules", ""}}}}), "application/json");
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error(), httplib::Error::SSLServerVerification);
}

TEST_F(WebhookServerTest, BadRequestsGetPlainAnswers) {
  auto c = client(dir_ + "/ca.crt");
  auto bad = c->Post(kFalcoRulePath, "{\"kind\": ", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->body, "bad AdmissionReview: the body is not JSON\n");

  auto big = c->Post(kFalcoRulePath, std::string(100 * 1024, ' '), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);

  auto missing = c->Post("/validate-pods", review("u", nlohmann::json::object()), "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_THAT(missing->body, HasSubstr("/validate-falcorule"));

  auto thrown = c->Post(kFalcoOutputPath, review("u3", nlohmann::json::object()), "application/json");
  ASSERT_TRUE(thrown);
  EXPECT_EQ(thrown->status, 200);
  nlohmann::json r = nlohmann::json::parse(thrown->body);
  EXPECT_EQ(r["response"]["allowed"], false);
  EXPECT_EQ(r["response"]["status"]["code"], 500);

  auto health = c->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

TEST(WebhookServerCreate, RefusesUnusableSetups) {
  auto cert = generate_serving_certificate({"a"}, {});
  auto other = generate_serving_certificate({"b"}, {});
  ASSERT_TRUE(cert.ok() && other.ok());
  Validator allow = [](const AdmissionRequest&) { return Verdict::allow(); };
  WebhookServerOptions options;
  options.certificate = *cert;
  EXPECT_EQ(WebhookServer::create(options, {}).error().message, "the admission webhook needs at least one path");
  EXPECT_FALSE(WebhookServer::create(options, {{"validate", allow}}).ok());
  options.certificate.key_pem = other->key_pem;
  auto mismatched = WebhookServer::create(options, {{kFalcoRulePath, allow}});
  ASSERT_FALSE(mismatched.ok());
  EXPECT_THAT(mismatched.error().message, HasSubstr("the key does not match"));
}

TEST(WebhookServerCreate, StopWithoutStartAndTwiceIsHarmless) {
  auto cert = generate_serving_certificate({"a"}, {"127.0.0.1"});
  ASSERT_TRUE(cert.ok());
  WebhookServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.certificate = *cert;
  auto s = WebhookServer::create(options, {{kFalcoRulePath, [](const AdmissionRequest&) { return Verdict::allow(); }}});
  ASSERT_TRUE(s.ok());
  (*s)->stop();
  ASSERT_TRUE((*s)->start().ok());
  EXPECT_GT((*s)->port(), 0);
  (*s)->stop();
  (*s)->stop();
}

}  // namespace
}  // namespace peregrine::op::admission
