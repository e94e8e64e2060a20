#include "outputs/config/bundle_outputs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "agent/runtime/output_switch.h"

namespace peregrine::agent::cluster {
namespace {

using kube::bundle::Bundle;
using kube::bundle::BundleFile;
using kube::bundle::BundleSecretFile;
using outputs::bundle_dispatcher;
using outputs::outputs_identity;

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("peregrine-bundle-outputs-" + std::to_string(::getpid()) + "-" +
                                               std::to_string(counter++));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  static inline int counter = 0;
};

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Bundle with_outputs(const std::string& text) {
  Bundle b;
  b.hash = "0123456789abcdef";
  b.outputs = BundleFile{"outputs.yaml", "", text};
  return b;
}

engine::Alert alert(const std::string& rule) {
  engine::Alert a;
  a.rule = rule;
  a.priority = engine::Priority::kWarning;
  a.source = "syscall";
  a.message = rule;
  return a;
}

class Collect : public AlertOutput {
 public:
  explicit Collect(std::vector<std::string>& rules) : rules_(rules) {}
  bool push(engine::Alert a) override {
    rules_.push_back(a.rule);
    return true;
  }

 private:
  std::vector<std::string>& rules_;
};

outputs::ConfigContext secrets_at(const std::string& dir) {
  outputs::ConfigContext context;
  context.secrets_dir = dir;
  return context;
}

TEST(BundleOutputs, NoOutputsFileIsNoDispatcher) {
  Bundle b;
  auto d = bundle_dispatcher(b, "/nonexistent", secrets_at("/nonexistent"));
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, nullptr);
  EXPECT_EQ(outputs_identity(b), "");
}

TEST(BundleOutputs, SecretsAreWrittenWhereTheReferencesReadThem) {
  TempDir dir;
  Bundle b = with_outputs(
      "outputs:\n  - {name: chat, type: slack, urlSecretRef: {name: team-a.hook, key: url}}\n");
  b.secrets.push_back({"team-a.hook", "url", "http://127.0.0.1:9/hook"});
  auto d = bundle_dispatcher(b, dir.path.string(), secrets_at((dir.path / "secrets").string()));
  ASSERT_TRUE(d) << d.error().message;
  ASSERT_NE(*d, nullptr);
  EXPECT_EQ((*d)->size(), 1u);
  EXPECT_EQ(read(dir.path / "secrets/team-a.hook/url"), "http://127.0.0.1:9/hook");
  (*d)->shutdown(std::chrono::milliseconds(0));

  // The identity follows the secret values, so a rotated credential rebuilds the sinks.
  Bundle rotated = b;
  rotated.secrets[0].value = "http://127.0.0.1:9/other";
  EXPECT_NE(outputs_identity(b), outputs_identity(rotated));
  EXPECT_EQ(outputs_identity(b), outputs_identity(Bundle(b)));
}

TEST(BundleOutputs, ErrorsNameTheFileAndPosition) {
  TempDir dir;
  auto d = bundle_dispatcher(with_outputs("outputs:\n  - {name: x, type: nosuch}\n"), dir.path.string(),
                             secrets_at(dir.path.string()));
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message.rfind(dir.path.string() + "/outputs.yaml:2:", 0), 0u) << d.error().message;

  d = bundle_dispatcher(with_outputs("- just a list\n"), dir.path.string(), secrets_at(dir.path.string()));
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("not a map with an outputs: list"), std::string::npos);

  d = bundle_dispatcher(with_outputs("outputs: [\n"), dir.path.string(), secrets_at(dir.path.string()));
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("outputs.yaml:"), std::string::npos);

  // A credential missing from the secrets dir fails the build, not the first alert.
  d = bundle_dispatcher(
      with_outputs("outputs:\n  - {name: chat, type: slack, urlSecretRef: {name: team-a.hook, key: url}}\n"),
      dir.path.string(), secrets_at((dir.path / "empty").string()));
  ASSERT_FALSE(d);
}

TEST(OutputSwitch, AlertsGoToTheOutputsInForce) {
  TempDir dir;
  std::vector<std::string> base_rules;
  OutputSwitch outputs(std::make_unique<Collect>(base_rules), nullptr);
  outputs.push(alert("before"));

  auto d = bundle_dispatcher(with_outputs("outputs:\n  - {name: f, type: file, path: alerts.json}\n"),
                             dir.path.string(), secrets_at(dir.path.string()));
  ASSERT_TRUE(d) << d.error().message;
  outputs.replace(std::move(*d), std::chrono::seconds(5));
  outputs.push(alert("during"));
  EXPECT_NE(outputs.metrics_text().find("sink=\"f\""), std::string::npos);

  // Back to the base: the bundle's sinks are shut down (flushed) off this thread.
  outputs.replace(nullptr, std::chrono::seconds(5));
  outputs.push(alert("after"));
  outputs.shutdown(std::chrono::seconds(5));

  EXPECT_EQ(base_rules, (std::vector<std::string>{"before", "after"}));
  std::string file = read(dir.path / "alerts.json");
  EXPECT_EQ(std::count(file.begin(), file.end(), '\n'), 1) << file;
  EXPECT_NE(file.find("\"rule\":\"during\""), std::string::npos) << file;
}

}  // namespace
}  // namespace peregrine::agent::cluster
