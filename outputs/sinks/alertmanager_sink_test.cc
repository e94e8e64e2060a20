// The Alertmanager sink against a real prometheus-alertmanager: post, then query the alerts
// back through its /api/v2/alerts API.
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>

#include "outputs/core/renderer.h"
#include "outputs/sinks/http_sink.h"
#include "outputs/sinks/payload_formats.h"
#include "outputs/testing/child_process.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {
using namespace std::chrono_literals;

TEST(AlertmanagerSink, AlertsCanBeQueriedBackWithTheirLabels) {
  testing::TempDir dir;
  int port = testing::free_port();
  testing::write_text_file(dir.file("alertmanager.yml"),
                           "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n");
  auto server = testing::ChildProcess::start(
      {"prometheus-alertmanager", "--config.file=" + dir.file("alertmanager.yml"),
       "--storage.path=" + dir.path(), "--web.listen-address=127.0.0.1:" + std::to_string(port),
       "--cluster.listen-address="},
      dir.file("alertmanager.log"));
  ASSERT_TRUE(server.running()) << "prometheus-alertmanager is not installed (scripts/setup.sh)";
  ASSERT_TRUE(testing::wait_for_tcp(port, 30000)) << testing::read_text_file(dir.file("alertmanager.log"));

  auto alert = testing::make_alert("Terminal shell in container", engine::Priority::kCritical,
                                   {"container", "mitre_execution"});
  // Alertmanager rejects alerts that ended in the past: stamp it now.
  alert.time_ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count());
  std::vector<Record> batch = {Renderer{}.render(alert)};
  HttpEndpoint e;
  e.url = "http://127.0.0.1:" + std::to_string(port) + "/api/v2/alerts";
  HttpSink sink(e, make_alertmanager_format({"k8s.ns.name", "container.name", "fd.name"}, 600));
  Status st = make_error("not tried");
  // The API may answer 503 for a moment after the port opens.
  for (int i = 0; i < 50 && !(st = sink.deliver(batch)).ok(); ++i) std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(st.ok()) << st.error().message;

  httplib::Client client("127.0.0.1", port);
  nlohmann::json alerts;
  for (int i = 0; i < 100; ++i) {
    auto res = client.Get("/api/v2/alerts");
    ASSERT_TRUE(res);
    alerts = nlohmann::json::parse(res->body);
    if (!alerts.empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_EQ(alerts.size(), 1u) << alerts.dump();
  const auto& labels = alerts[0]["labels"];
  EXPECT_EQ(labels["alertname"], "Terminal shell in container");
  EXPECT_EQ(labels["priority"], "Critical");
  EXPECT_EQ(labels["source"], "syscall");
  EXPECT_EQ(labels["hostname"], "node-1");
  EXPECT_EQ(labels["tags"], "container,mitre_execution");
  EXPECT_EQ(labels["k8s_ns_name"], "default");
  EXPECT_EQ(labels["container_name"], "web");
  EXPECT_FALSE(labels.contains("fd_name"));  // null fields are not labels
  EXPECT_NE(alerts[0]["annotations"]["description"].get<std::string>().find("A shell was spawned"),
            std::string::npos);
}

}  // namespace
}  // namespace peregrine::outputs
