#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "outputs/config/config_context.h"
#include "outputs/core/dispatcher.h"
#include "outputs/testing/child_process.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {
using engine::Priority;
using testing::TempDir;

std::string load_error(const std::string& yaml, const ConfigContext& ctx = {}) {
  auto d = Dispatcher::from_config(YAML::Load(yaml), ctx);
  return d.ok() ? "" : d.error().message;
}

TEST(DispatcherConfig, UnknownKeyIsAnErrorWithAHint) {
  EXPECT_EQ(load_error("- {name: out, type: stdout, minimumPriorty: warning}"),
            "outputs[0] (out): unknown key 'minimumPriorty' (did you mean 'minimumPriority'?)");
}

TEST(DispatcherConfig, UnknownTypeAndBadPriorityAreNamed) {
  EXPECT_NE(load_error("- {name: a, type: webhok, url: 'http://x'}").find("did you mean 'webhook'"),
            std::string::npos);
  EXPECT_NE(load_error("- {name: a, type: stdout, minimumPriority: loud}")
                .find("'minimumPriority' is not a priority: 'loud'"),
            std::string::npos);
  EXPECT_NE(load_error("- {name: a, type: stdout}\n- {name: a, type: stdout}").find("duplicate"),
            std::string::npos);
  EXPECT_NE(load_error("- {name: a, type: stdout, template: '${nope}'}").find("unknown placeholder"),
            std::string::npos);
}

TEST(DispatcherConfig, CredentialsInlineAreRejected) {
  EXPECT_NE(load_error("- {name: s, type: slack, url: 'https://hooks.slack.com/services/T/B/X'}")
                .find("is a credential"),
            std::string::npos);
  EXPECT_NE(load_error("- {name: r, type: redis, password: hunter2}").find("is a credential"),
            std::string::npos);
  EXPECT_NE(load_error("- {name: w, type: webhook, url: 'http://x', headers: {Authorization: 'Bearer t'}}")
                .find("headerFiles"),
            std::string::npos);
  EXPECT_NE(load_error("- {name: s, type: slack}").find("urlFile"), std::string::npos);
}

TEST(DispatcherConfig, SecretRefReadsTheMountedSecret) {
  TempDir dir;
  std::filesystem::create_directories(dir.file("slack"));
  testing::write_text_file(dir.file("slack/url"), "https://hooks.example/secret\n");
  ConfigContext ctx;
  ctx.secrets_dir = dir.path();
  EXPECT_EQ(load_error("- {name: s, type: slack, urlSecretRef: {name: slack, key: url}}", ctx), "");
  EXPECT_NE(load_error("- {name: s, type: slack, urlSecretRef: {name: slack, key: missing}}", ctx)
                .find("cannot be read"),
            std::string::npos);
  EXPECT_NE(load_error("- {name: s, type: slack, urlSecretRef: {name: '..', key: x}}", ctx)
                .find("may not contain"),
            std::string::npos);
}

TEST(DispatcherConfig, FiltersCustomFieldsAndTemplateReachTheFile) {
  TempDir dir;
  ConfigContext ctx;
  ctx.base_dir = dir.path();
  auto d = Dispatcher::from_config(YAML::Load(R"(
- name: important
  type: file
  path: alerts.json
  minimumPriority: error
  rules: {exclude: [Noisy]}
  tags: {include: [shell]}
  customFields: {cluster: prod}
- name: text
  type: file
  path: alerts.txt
  format: text
  template: "${priority} ${rule} ${field.cluster}"
  customFields: {cluster: dev}
)"),
                                   ctx);
  ASSERT_TRUE(d.ok()) << d.error().message;
  (*d)->enqueue(testing::make_alert("Shell", Priority::kCritical, {"shell"}));
  (*d)->enqueue(testing::make_alert("Noisy", Priority::kCritical, {"shell"}));
  (*d)->enqueue(testing::make_alert("Low", Priority::kWarning, {"shell"}));
  (*d)->enqueue(testing::make_alert("Untagged", Priority::kCritical, {"other"}));
  (*d)->shutdown(std::chrono::seconds(10));
  auto json = testing::read_text_file(dir.file("alerts.json"));
  auto line = nlohmann::json::parse(json.substr(0, json.find('\n')));
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 1);
  EXPECT_EQ(line["rule"], "Shell");
  EXPECT_EQ(line["output_fields"]["cluster"], "prod");
  EXPECT_EQ(testing::read_text_file(dir.file("alerts.txt")),
            "Critical Shell dev\nCritical Noisy dev\nWarning Low dev\nCritical Untagged dev\n");
  std::string metrics = (*d)->metrics_text();
  EXPECT_NE(metrics.find("peregrine_output_sent_total{sink=\"important\",type=\"file\"} 1\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("peregrine_output_sent_total{sink=\"text\",type=\"file\"} 4\n"),
            std::string::npos);
  EXPECT_EQ(metrics.find("# TYPE peregrine_output_sent_total counter"),
            metrics.rfind("# TYPE peregrine_output_sent_total counter"));
  EXPECT_NE(metrics.find("peregrine_output_delivery_latency_seconds_count{sink=\"text\",type=\"file\"}"),
            std::string::npos);
}

TEST(DispatcherConfig, DeliveryKeysAreRead) {
  EXPECT_NE(load_error("- {name: a, type: stdout, delivery: {queueCapacity: 0}}").find("between 1"),
            std::string::npos);
  EXPECT_NE(load_error("- {name: a, type: stdout, delivery: {maxBackofMs: 3}}").find("maxBackoffMs"),
            std::string::npos);
  EXPECT_EQ(load_error("- {name: a, type: stdout, delivery: {queueCapacity: 5, batchSize: 2, "
                       "maxRetries: 1, initialBackoffMs: 10, maxBackoffMs: 20, breakerFailures: 2, "
                       "breakerOpenMs: 100}}"),
            "");
}

}  // namespace
}  // namespace peregrine::outputs
