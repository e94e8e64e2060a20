// The cluster-mode sink switch: alerts go to the bundle's outputs while some are in force, back
// to the base sink otherwise, and a replaced set of outputs is flushed (its file holds every
// alert it took) before replace() returns.
#include "audit-webhook/cluster/switching_alert_sink.h"

#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "audit-webhook/testing/test_pki.h"
#include "outputs/config/config_context.h"

namespace peregrine::audit {
namespace {

class Collect : public AlertSink {
 public:
  void emit(const engine::Alert& alert) override {
    std::lock_guard lock(mu_);
    rules_.push_back(alert.rule);
  }
  void emit_from(const AlertOrigin& origin, const engine::Alert& alert) override {
    std::lock_guard lock(mu_);
    rules_.push_back(alert.rule + "@" + std::string(origin.audit_id));
  }
  std::string metrics_text() const override { return "base_metrics 1\n"; }
  std::vector<std::string> rules() {
    std::lock_guard lock(mu_);
    return rules_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> rules_;
};

engine::Alert alert(const std::string& rule) {
  engine::Alert a;
  a.rule = rule;
  a.priority = engine::Priority::kWarning;
  a.source = "k8s_audit";
  a.message = rule;
  return a;
}

std::unique_ptr<outputs::Dispatcher> file_outputs(const std::string& path) {
  YAML::Node list = YAML::Load("- {name: f, type: file, path: " + path + "}");
  outputs::ConfigContext context;
  auto d = outputs::Dispatcher::from_config(list, context);
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
  return d.ok() ? std::move(*d) : nullptr;
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SwitchingAlertSink, BundleOutputsTakeOverAndGiveBack) {
  testing::TempDir dir;
  Collect base;
  SwitchingAlertSink sink(base);
  sink.emit_from({"id-1", "ResponseComplete"}, alert("Before"));
  EXPECT_EQ(sink.metrics_text(), "base_metrics 1\n");

  const std::string first = dir.file("first.json");
  sink.replace(file_outputs(first), std::chrono::seconds(5));
  sink.emit(alert("To first"));
  EXPECT_NE(sink.metrics_text().find("sink=\"f\""), std::string::npos) << sink.metrics_text();

  // The next bundle's outputs: the first set is flushed by the time replace() returns.
  const std::string second = dir.file("second.json");
  sink.replace(file_outputs(second), std::chrono::seconds(5));
  EXPECT_NE(read(first).find("\"rule\":\"To first\""), std::string::npos) << read(first);
  sink.emit(alert("To second"));

  // A bundle without outputs: back to the base sink.
  sink.replace(nullptr, std::chrono::seconds(5));
  sink.emit_from({"id-2", "ResponseComplete"}, alert("After"));
  EXPECT_NE(read(second).find("\"rule\":\"To second\""), std::string::npos) << read(second);
  EXPECT_EQ(read(first).find("To second"), std::string::npos);
  EXPECT_EQ(base.rules(), (std::vector<std::string>{"Before@id-1", "After@id-2"}));
}

}  // namespace
}  // namespace peregrine::audit
