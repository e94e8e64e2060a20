// The webhook over real HTTPS on 127.0.0.1 (port 0) with a throw-away PKI: authentication,
// input limits, backpressure, duplicate batches, stalled clients, and alerts coming out.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "audit-webhook/audit_webhook.h"
#include "audit-webhook/testing/https_client.h"
#include "audit-webhook/testing/test_pki.h"

namespace peregrine::audit {
namespace {

using testing::ClientCert;
using testing::https_client;
using testing::RawConnection;
using testing::TempDir;
using testing::TestPki;

constexpr const char* kRules = R"yaml(
- rule: Shell into pod
  desc: test rule
  condition: ka.target.resource = pods and ka.target.subresource = exec and ka.verb = create
  output: "exec (user=%ka.user.name pod=%ka.target.namespace/%ka.target.name)"
  priority: NOTICE
  source: k8s_audit
)yaml";

std::string exec_event(const std::string& id, const std::string& user = "alice") {
  return R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":")" + id +
         R"(","stage":"ResponseStarted","requestURI":"/api/v1/namespaces/shop/pods/web/exec?command=sh",)"
         R"("verb":"create","user":{"username":")" + user +
         R"(","groups":["system:authenticated"]},"sourceIPs":["10.0.0.9"],)"
         R"("objectRef":{"resource":"pods","namespace":"shop","name":"web","apiVersion":"v1","subresource":"exec"},)"
         R"("responseStatus":{"metadata":{},"code":101},)"
         R"("requestReceivedTimestamp":"2024-05-01T08:00:00.000001Z","stageTimestamp":"2024-05-01T08:00:00.000002Z"})";
}

std::string event_list(const std::vector<std::string>& events) {
  std::string out = R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":[)";
  for (size_t i = 0; i < events.size(); ++i) out += (i ? "," : "") + events[i];
  return out + "]}";
}

class CollectingSink : public AlertSink {
 public:
  void emit(const engine::Alert& alert) override {
    std::lock_guard<std::mutex> lock(mu_);
    alerts_.push_back(alert);
  }
  void emit_from(const AlertOrigin& origin, const engine::Alert& alert) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      origins_.push_back(std::string(origin.audit_id) + " " + std::string(origin.stage));
    }
    emit(alert);
  }
  std::vector<engine::Alert> alerts() {
    std::lock_guard<std::mutex> lock(mu_);
    return alerts_;
  }
  // "<auditID> <stage>" of the event behind each alert, as the evaluation threads named it.
  std::vector<std::string> origins() {
    std::lock_guard<std::mutex> lock(mu_);
    return origins_;
  }
  // Polls until `n` alerts arrived; a generous bound only keeps a broken build from hanging.
  bool wait_for(size_t n) {
    for (int i = 0; i < 3000; ++i) {
      if (alerts().size() >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

 private:
  std::mutex mu_;
  std::vector<engine::Alert> alerts_;
  std::vector<std::string> origins_;
};

class WebhookServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto pki = TestPki::create(dir_->path());
    ASSERT_TRUE(pki.ok()) << pki.error().message;
    pki_ = new TestPki(*pki);
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete dir_;
  }

  WebhookConfig base_config() {
    WebhookConfig c;
    c.server.host = "127.0.0.1";
    c.server.port = 0;
    c.server.tls = {pki_->server_cert, pki_->server_key, pki_->ca_cert};
    c.server.max_body_bytes = 64 * 1024;
    c.server.read_timeout = std::chrono::milliseconds(500);
    c.server.http_threads = 4;
    c.rule_paths = {dir_->write("rules.yaml", kRules)};
    c.reload_poll = std::chrono::milliseconds(0);
    c.hostname = "test-host";
    return c;
  }

  void start(WebhookConfig config) {
    auto hook = AuditWebhook::create(std::move(config), sink_, [](const std::string&) {});
    ASSERT_TRUE(hook.ok()) << hook.error().message;
    hook_ = std::move(*hook);
    hook_->start();
  }

  ClientCert good_cert() const { return {pki_->client_cert, pki_->client_key}; }

  httplib::Result post(const std::string& body, const ClientCert& cert,
                       const std::string& content_type = "application/json",
                       const httplib::Headers& headers = {}) {
    auto client = https_client(hook_->port(), pki_->ca_cert, cert);
    return client->Post("/k8s-audit", headers, body, content_type.c_str());
  }

  static TempDir* dir_;
  static TestPki* pki_;
  CollectingSink sink_;
  std::unique_ptr<AuditWebhook> hook_;
};

TempDir* WebhookServerTest::dir_ = nullptr;
TestPki* WebhookServerTest::pki_ = nullptr;

TEST_F(WebhookServerTest, ValidClientCertificateIsQueuedAndRaisesTheAlert) {
  start(base_config());
  auto res = post(event_list({exec_event("a-1"), exec_event("a-2", "bob")}), good_cert());
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "queued 2 events\n");
  ASSERT_TRUE(sink_.wait_for(2));
  auto alerts = sink_.alerts();
  EXPECT_EQ(alerts[0].rule, "Shell into pod");
  EXPECT_EQ(alerts[0].source, "k8s_audit");
  EXPECT_EQ(alerts[0].hostname, "test-host");
  EXPECT_EQ(alerts[0].message, "exec (user=alice pod=shop/web)");
  EXPECT_EQ(alerts[1].message, "exec (user=bob pod=shop/web)");
  // What the claims across replicas key on (audit-webhook/claims).
  EXPECT_EQ(sink_.origins(), (std::vector<std::string>{"a-1 ResponseStarted", "a-2 ResponseStarted"}));
}

TEST_F(WebhookServerTest, SingleEventObjectIsAccepted) {
  start(base_config());
  auto res = post(exec_event("single"), good_cert(), "application/json; charset=utf-8");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  ASSERT_TRUE(sink_.wait_for(1));
}

TEST_F(WebhookServerTest, MissingClientCertificateIs401) {
  start(base_config());
  auto res = post(event_list({exec_event("n-1")}), ClientCert{});
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 401);
  EXPECT_NE(res->body.find("client certificate"), std::string::npos);
  EXPECT_EQ(hook_->metrics().responses_unauthorized.load(), 1u);
  EXPECT_EQ(hook_->metrics().events_received.load(), 0u);
}

TEST_F(WebhookServerTest, ClientCertificateFromAnotherCaIs401) {
  start(base_config());
  auto res = post(event_list({exec_event("r-1")}),
                  ClientCert{pki_->rogue_client_cert, pki_->rogue_client_key});
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 401);
}

TEST_F(WebhookServerTest, BearerTokenMustMatch) {
  WebhookConfig c = base_config();
  c.server.tls.client_ca.clear();
  c.server.token = "s3cret-token";
  start(std::move(c));
  std::string body = event_list({exec_event("t-1")});
  auto none = post(body, ClientCert{});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(none->get_header_value("WWW-Authenticate"), "Bearer");
  auto wrong = post(body, ClientCert{}, "application/json", {{"Authorization", "Bearer s3cret-tokem"}});
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto basic = post(body, ClientCert{}, "application/json", {{"Authorization", "Basic czNjcmV0"}});
  ASSERT_TRUE(basic);
  EXPECT_EQ(basic->status, 401);
  auto right = post(body, ClientCert{}, "application/json", {{"Authorization", "Bearer s3cret-token"}});
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 200);
}

TEST_F(WebhookServerTest, CertificateAndTokenBothRequiredWhenBothConfigured) {
  WebhookConfig c = base_config();
  c.server.token = "tok";
  start(std::move(c));
  std::string body = event_list({exec_event("b-1")});
  auto cert_only = post(body, good_cert());
  ASSERT_TRUE(cert_only);
  EXPECT_EQ(cert_only->status, 401);
  auto token_only = post(body, ClientCert{}, "application/json", {{"Authorization", "Bearer tok"}});
  ASSERT_TRUE(token_only);
  EXPECT_EQ(token_only->status, 401);
  auto both = post(body, good_cert(), "application/json", {{"Authorization", "Bearer tok"}});
  ASSERT_TRUE(both);
  EXPECT_EQ(both->status, 200);
}

TEST_F(WebhookServerTest, OversizedBodyIs413) {
  start(base_config());
  std::string huge(100 * 1024, ' ');
  auto res = post(huge, good_cert());
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(hook_->metrics().responses_too_large.load(), 1u);
}

TEST_F(WebhookServerTest, OversizedChunkedBodyIs413) {
  start(base_config());
  auto client = https_client(hook_->port(), pki_->ca_cert, good_cert());
  const std::string piece(8 * 1024, ' ');
  size_t sent = 0;
  auto res = client->Post(
      "/k8s-audit",
      [&](size_t, httplib::DataSink& sink) {
        if (sent >= 40) {  // 320 KiB, well over the limit
          sink.done();
          return true;
        }
        ++sent;
        return sink.write(piece.data(), piece.size());
      },
      "application/json");
  // The server may answer and close before the client finished sending; either way the body
  // was refused. When an answer got through, it is 413.
  if (res) {
    EXPECT_EQ(res->status, 413);
  }
  EXPECT_EQ(hook_->metrics().events_received.load(), 0u);
}

TEST_F(WebhookServerTest, MalformedJsonIs400WithTheReason) {
  start(base_config());
  auto res = post("{\"kind\": \"EventList\", \"items\": [", good_cert());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_FALSE(res->body.empty());
  EXPECT_EQ(hook_->metrics().responses_bad_request.load(), 1u);
}

TEST_F(WebhookServerTest, WrongKindIs400NamingTheKind) {
  start(base_config());
  auto res = post(R"({"kind":"Policy","apiVersion":"audit.k8s.io/v1","rules":[]})", good_cert());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_NE(res->body.find("Policy"), std::string::npos) << res->body;
}

TEST_F(WebhookServerTest, WrongContentTypeIs415) {
  start(base_config());
  auto res = post(event_list({exec_event("c-1")}), good_cert(), "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  EXPECT_NE(res->body.find("application/json"), std::string::npos);
}

TEST_F(WebhookServerTest, RetriedBatchDoesNotAlertTwice) {
  start(base_config());
  std::string batch = event_list({exec_event("dup-1"), exec_event("dup-2")});
  auto first = post(batch, good_cert());
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  auto again = post(batch, good_cert());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, "queued 0 events, 2 already seen\n");
  ASSERT_TRUE(sink_.wait_for(2));
  hook_->stop();  // drains the queue: every queued event has been evaluated
  EXPECT_EQ(sink_.alerts().size(), 2u);
  EXPECT_EQ(hook_->metrics().events_duplicate.load(), 2u);
}

TEST_F(WebhookServerTest, StalledClientsAreCutAndTheServerKeepsServing) {
  start(base_config());
  RawConnection silent(hook_->port());  // connects, never starts TLS
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.closed_by_peer_within(std::chrono::seconds(30)));

  RawConnection garbage(hook_->port());  // not TLS at all
  ASSERT_TRUE(garbage.connected());
  ASSERT_TRUE(garbage.send("POST /k8s-audit HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_TRUE(garbage.closed_by_peer_within(std::chrono::seconds(30)));

  auto res = post(event_list({exec_event("after")}), good_cert());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(WebhookServerTest, HealthzAndMetricsNeedNoCredentials) {
  start(base_config());
  ASSERT_TRUE(post(event_list({exec_event("m-1")}), ClientCert{}));  // one 401
  auto client = https_client(hook_->port(), pki_->ca_cert);
  auto health = client->Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");
  auto metrics = client->Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("peregrine_audit_webhook_responses_total{code=\"401\"} 1\n"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("peregrine_audit_rules_loaded 1\n"), std::string::npos);
  auto missing = client->Get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(WebhookServerTest, PlainHttpWithoutTlsRefusesAClientCa) {
  WebhookConfig c = base_config();
  c.server.tls.cert.clear();
  c.server.tls.key.clear();
  auto hook = AuditWebhook::create(std::move(c), sink_, [](const std::string&) {});
  ASSERT_FALSE(hook.ok());
  EXPECT_NE(hook.error().message.find("client CA needs TLS"), std::string::npos);
}

TEST_F(WebhookServerTest, RulesThatDoNotLoadStopStartUpWithPositions) {
  WebhookConfig c = base_config();
  c.rule_paths = {dir_->write("broken.yaml", "- rule: x\n  desc: d\n  condition: ka.verb =\n"
                                             "  output: o\n  priority: info\n  source: k8s_audit\n")};
  auto hook = AuditWebhook::create(std::move(c), sink_, [](const std::string&) {});
  ASSERT_FALSE(hook.ok());
  EXPECT_NE(hook.error().message.find("broken.yaml:3:"), std::string::npos) << hook.error().message;
}

}  // namespace
}  // namespace peregrine::audit
