// The HTTP answer to a full queue, over HTTPS: 429 with Retry-After while no evaluation thread
// drains it, 200 again once there is room.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "audit-webhook/testing/https_client.h"
#include "audit-webhook/testing/test_pki.h"
#include "audit-webhook/webhook_server.h"

namespace peregrine::audit {
namespace {

std::string events(int first, int n) {
  std::string out = R"({"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[)";
  for (int i = 0; i < n; ++i) {
    out += (i ? "," : "");
    out += R"({"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"id-)" +
           std::to_string(first + i) + R"(","stage":"ResponseComplete","verb":"list"})";
  }
  return out + "]}";
}

TEST(ServerBackpressure, FullQueueIs429UntilThereIsRoom) {
  testing::TempDir dir;
  auto pki = testing::TestPki::create(dir.path());
  ASSERT_TRUE(pki.ok()) << pki.error().message;

  EventQueue queue(3);  // and no consumer: the queue fills
  WebhookMetrics metrics;
  PayloadIntake intake(queue, metrics, 100);
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.tls = {pki->server_cert, pki->server_key, pki->ca_cert};
  auto server = WebhookServer::create(options, intake, metrics, [] { return std::string(); });
  ASSERT_TRUE(server.ok()) << server.error().message;
  ASSERT_TRUE((*server)->bind().ok());
  std::thread serving([&] { (*server)->serve(); });

  auto client = testing::https_client((*server)->port(), pki->ca_cert,
                                      {pki->client_cert, pki->client_key});
  auto first = client->Post("/k8s-audit", events(0, 2), "application/json");
  ASSERT_TRUE(first) << httplib::to_string(first.error());
  EXPECT_EQ(first->status, 200);
  auto full = client->Post("/k8s-audit", events(2, 2), "application/json");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->status, 429);
  EXPECT_EQ(full->get_header_value("Retry-After"), "1");

  std::vector<engine::AuditEvent> drained;
  ASSERT_TRUE(queue.pop_some(drained, 10));
  auto retried = client->Post("/k8s-audit", events(2, 2), "application/json");
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->status, 200);

  (*server)->stop();
  serving.join();
}

}  // namespace
}  // namespace peregrine::audit
