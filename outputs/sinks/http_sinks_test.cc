// The HTTP sinks against a local receiver that checks each request against the API's format.
#include <algorithm>

#include <gtest/gtest.h>

#include "outputs/core/renderer.h"
#include "outputs/sinks/http_sink.h"
#include "outputs/sinks/payload_formats.h"
#include "outputs/testing/api_validators.h"
#include "outputs/testing/child_process.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {
using testing::HttpReceiver;

std::vector<Record> records(int n, engine::Priority p = engine::Priority::kCritical) {
  std::vector<Record> out;
  for (int i = 0; i < n; ++i)
    out.push_back(Renderer({{"cluster", "prod"}}, std::nullopt)
                      .render(testing::make_alert("Rule " + std::to_string(i % 2), p,
                                                  {"container", "shell"}, uint64_t(i))));
  return out;
}

HttpSink sink_for(const HttpReceiver& rx, const std::string& path,
                  std::unique_ptr<PayloadFormat> format, TlsOptions tls = {}) {
  HttpEndpoint e;
  e.url = rx.url(path);
  e.headers = {"X-Peregrine-Test: yes"};
  e.tls = std::move(tls);
  e.timeout = std::chrono::milliseconds(5000);
  return HttpSink(std::move(e), std::move(format));
}

TEST(WebhookSink, PostsOneFalcoAlertPerRequestWithHeaders) {
  HttpReceiver rx(testing::validate_falco_alert);
  auto sink = sink_for(rx, "/falco", make_webhook_format(false));
  ASSERT_EQ(sink.max_batch(), 1u);
  auto recs = records(1);
  ASSERT_TRUE(sink.deliver(recs).ok());
  auto reqs = rx.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].path, "/falco");
  EXPECT_EQ(reqs[0].header("X-Peregrine-Test"), "yes");
  auto body = nlohmann::json::parse(reqs[0].body);
  EXPECT_EQ(body["rule"], "Rule 0");
  EXPECT_EQ(body["priority"], "Critical");
  EXPECT_EQ(body["output_fields"]["cluster"], "prod");
  EXPECT_TRUE(rx.problems().empty()) << rx.problems()[0];
}

TEST(WebhookSink, BatchesAsJsonLines) {
  HttpReceiver rx;
  auto sink = sink_for(rx, "/", make_webhook_format(true));
  ASSERT_TRUE(sink.deliver(records(5)).ok());
  auto reqs = rx.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].header("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(std::count(reqs[0].body.begin(), reqs[0].body.end(), '\n'), 5);
}

TEST(WebhookSink, Non2xxIsAFailureNamingTheStatus) {
  HttpReceiver rx;
  rx.set_status(503);
  auto sink = sink_for(rx, "/", make_webhook_format(false));
  auto st = sink.deliver(records(1));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("503"), std::string::npos);
}

TEST(WebhookSink, ConnectionRefusedIsAFailure) {
  int port = testing::free_port();
  HttpEndpoint e;
  e.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  e.timeout = std::chrono::milliseconds(2000);
  HttpSink sink(e, make_webhook_format(false));
  EXPECT_FALSE(sink.deliver(records(1)).ok());
}

TEST(WebhookSink, MutualTlsWithAPrivateCa) {
  testing::TempDir dir;
  testing::TestPki pki;
  ASSERT_EQ(testing::make_test_pki(dir.path(), pki), "");
  testing::TlsServerFiles server{pki.server_cert, pki.server_key, pki.ca_cert};
  HttpReceiver rx(testing::validate_falco_alert, &server);
  auto with_cert = sink_for(rx, "/", make_webhook_format(false),
                            TlsOptions{pki.ca_cert, pki.client_cert, pki.client_key, false});
  auto st = with_cert.deliver(records(1));
  ASSERT_TRUE(st.ok()) << st.error().message;
  // The server demands a client certificate; without one the handshake fails.
  auto without_cert = sink_for(rx, "/", make_webhook_format(false), TlsOptions{pki.ca_cert, "", "", false});
  EXPECT_FALSE(without_cert.deliver(records(1)).ok());
  // A client that does not trust the private CA refuses the server.
  auto untrusting = sink_for(rx, "/", make_webhook_format(false),
                             TlsOptions{"", pki.client_cert, pki.client_key, false});
  EXPECT_FALSE(untrusting.deliver(records(1)).ok());
  EXPECT_EQ(rx.request_count(), 1u);
}

TEST(SlackSink, SendsTheIncomingWebhookPayload) {
  HttpReceiver rx(testing::validate_slack);
  auto sink = sink_for(rx, "/services/T000/B000/XXXX", make_slack_format("peregrine", "#alerts"));
  ASSERT_TRUE(sink.deliver(records(1)).ok());
  ASSERT_TRUE(rx.problems().empty()) << rx.problems()[0];
  auto body = nlohmann::json::parse(rx.requests()[0].body);
  EXPECT_NE(body["text"].get<std::string>().find("A shell was spawned"), std::string::npos);
  EXPECT_EQ(body["channel"], "#alerts");
  EXPECT_EQ(body["attachments"][0]["fields"][0]["value"], "Rule 0");
}

TEST(TeamsSink, SendsAMessageCard) {
  HttpReceiver rx(testing::validate_teams);
  auto sink = sink_for(rx, "/webhookb2/x", make_teams_format());
  ASSERT_TRUE(sink.deliver(records(1, engine::Priority::kWarning)).ok());
  ASSERT_TRUE(rx.problems().empty()) << rx.problems()[0];
  auto body = nlohmann::json::parse(rx.requests()[0].body);
  EXPECT_EQ(body["title"], "Warning: Rule 0");
}

TEST(LokiSink, PushesStreamsGroupedByLabels) {
  HttpReceiver rx(testing::validate_loki);
  auto sink = sink_for(rx, "/loki/api/v1/push", make_loki_format({{"job", "peregrine"}}));
  ASSERT_TRUE(sink.deliver(records(4)).ok());
  ASSERT_TRUE(rx.problems().empty()) << rx.problems()[0];
  auto body = nlohmann::json::parse(rx.requests()[0].body);
  ASSERT_EQ(body["streams"].size(), 2u);  // "Rule 0" and "Rule 1"
  EXPECT_EQ(body["streams"][0]["stream"]["job"], "peregrine");
  EXPECT_EQ(body["streams"][0]["values"].size(), 2u);
  EXPECT_EQ(body["streams"][0]["values"][0][0], "1700000000123456789");
}

TEST(ElasticsearchSink, BulkIndexesIntoADatedIndex) {
  HttpReceiver rx(testing::validate_elasticsearch_bulk);
  rx.set_response_body(R"({"took":1,"errors":false,"items":[]})");
  auto sink = sink_for(rx, "/_bulk", make_elasticsearch_format("falco-%Y.%m.%d"));
  ASSERT_TRUE(sink.deliver(records(3)).ok());
  ASSERT_TRUE(rx.problems().empty()) << rx.problems()[0];
  auto body = rx.requests()[0].body;
  EXPECT_NE(body.find(R"({"index":{"_index":"falco-2023.11.14"}})"), std::string::npos);
  // A bulk answer with item errors fails the batch (so it is retried).
  rx.set_response_body(R"({"took":1,"errors":true,"items":[]})");
  EXPECT_FALSE(sink.deliver(records(1)).ok());
}

}  // namespace
}  // namespace peregrine::outputs
