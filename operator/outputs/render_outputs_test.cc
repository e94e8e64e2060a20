#include "operator/outputs/render_outputs.h"

#include <fstream>
#include <filesystem>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "outputs/config/config_context.h"
#include "outputs/config/sink_factory.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::op::outputs {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

nlohmann::json falco_output(const std::string& ns, const std::string& name, const std::string& spec) {
  return {{"apiVersion", "peregrine.dev/v1alpha1"},
          {"kind", "FalcoOutput"},
          {"metadata", {{"namespace", ns}, {"name", name}}},
          {"spec", nlohmann::json::parse(spec)}};
}

// A minimal spec of each CRD type that an agent can build.
const std::map<std::string, std::string>& minimal_specs() {
  static const std::map<std::string, std::string> m = {
      {"stdout", R"({"type": "stdout", "format": "text"})"},
      {"file", R"({"type": "file", "path": "/var/log/peregrine/alerts.json"})"},
      {"program", R"({"type": "program", "command": "logger -t falco"})"},
      {"syslog", R"({"type": "syslog", "transport": "tcp", "host": "syslog.local", "port": 514, "facility": 4})"},
      {"webhook", R"({"type": "webhook", "url": "https://sink.example/falco", "batch": true,
                      "tls": {"caSecretRef": {"name": "ca", "key": "ca.crt"}}})"},
      {"slack", R"({"type": "slack", "urlSecretRef": {"name": "slack", "key": "url"}, "channel": "#sec"})"},
      {"teams", R"({"type": "teams", "urlSecretRef": {"name": "teams", "key": "url"}})"},
      {"alertmanager", R"({"type": "alertmanager", "url": "http://am:9093/api/v2/alerts",
                           "labelFields": ["k8s.ns.name"], "expireAfterSeconds": 300})"},
      {"loki", R"({"type": "loki", "url": "http://loki:3100/loki/api/v1/push", "labels": {"job": "falco"}})"},
      {"elasticsearch", R"({"type": "elasticsearch", "url": "http://es:9200/_bulk", "index": "falco-%Y"})"},
      {"nats", R"({"type": "nats", "host": "nats", "port": 4222, "subject": "falco",
                   "tokenSecretRef": {"name": "nats", "key": "token"}})"},
      {"mqtt", R"({"type": "mqtt", "host": "mqtt", "topic": "falco", "qos": 1, "user": "u",
                   "passwordSecretRef": {"name": "mqtt", "key": "password"}})"},
      {"kafka", R"({"type": "kafka", "brokers": "127.0.0.1:1", "topic": "falco",
                    "properties": {"acks": "all"}, "saslPasswordSecretRef": {"name": "kafka", "key": "pw"}})"},
      {"redis", R"({"type": "redis", "host": "redis", "mode": "stream", "streamMaxLen": 1000,
                    "passwordSecretRef": {"name": "redis", "key": "password"}})"},
      {"falcoalert", R"({"type": "falcoalert", "minimumPriority": "notice"})"},
  };
  return m;
}

// What the API server would hand over for a YAML manifest: integers as numbers.
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
  if (n.Tag() == "?" && !n.Scalar().empty() &&
      n.Scalar().find_first_not_of("0123456789") == std::string::npos)
    return std::stoll(n.Scalar());
  return n.Scalar();
}

bool library_knows(const std::string& type) {
  const auto& types = peregrine::outputs::sink_types();
  return std::find(types.begin(), types.end(), type) != types.end();
}

TEST(RenderOutputs, EveryCrdTypeTheLibraryHasRendersToAnEntryItAccepts) {
  for (const auto& type : crd_sink_types()) {
    SCOPED_TRACE(type);
    ASSERT_TRUE(minimal_specs().count(type));
    RenderedOutputs r = render_outputs({falco_output("team-a", "o", minimal_specs().at(type))});
    if (!library_knows(type)) {
      // The FalcoAlert writer is not part of the outputs library yet: refused, and said so.
      ASSERT_EQ(r.errors.size(), 1u);
      EXPECT_THAT(r.errors[0].message, HasSubstr("is unknown: '" + type + "'"));
      continue;
    }
    EXPECT_THAT(r.errors, IsEmpty()) << r.errors[0].message;
    EXPECT_THAT(r.accepted, ElementsAre("team-a/o"));
  }
}

TEST(RenderOutputs, TheLibraryHasEveryCrdTypeButPerhapsTheFalcoAlertWriter) {
  for (const auto& type : crd_sink_types()) EXPECT_TRUE(library_knows(type) || type == "falcoalert") << type;
}

TEST(RenderOutputs, OrdersByNamespaceThenNameAndNamesEntriesByBoth) {
  RenderedOutputs r = render_outputs({falco_output("b", "a", R"({"type": "stdout"})"),
                                      falco_output("a", "z", R"({"type": "stdout"})"),
                                      falco_output("a", "b", R"({"type": "stdout"})")});
  EXPECT_THAT(r.accepted, ElementsAre("a/b", "a/z", "b/a"));
  YAML::Node doc = YAML::Load(r.yaml);
  ASSERT_EQ(doc["outputs"].size(), 3u);
  EXPECT_EQ(doc["outputs"][0]["name"].Scalar(), "a/b");
  EXPECT_EQ(doc["outputs"][2]["name"].Scalar(), "b/a");
  EXPECT_EQ(doc["outputs"][0]["type"].Scalar(), "stdout");
}

TEST(RenderOutputs, NothingAcceptedIsAnEmptyList) {
  RenderedOutputs r = render_outputs({});
  EXPECT_EQ(r.yaml, "outputs: []\n");
  EXPECT_THAT(r.secrets, IsEmpty());
}

TEST(RenderOutputs, SecretReferencesPointAtTheContractDirectoriesAndNeverCarryValues) {
  auto lookup = [](const SecretKeyRef& ref) -> std::optional<std::string> {
    if (ref.secret == "slack") return "https://hooks.slack.com/services/T0/B0/s3cr3t-token";
    return "s3cr3t-password";
  };
  RenderedOutputs r = render_outputs(
      {falco_output("team-a", "chat", minimal_specs().at("slack")),
       falco_output("team-b", "cache", minimal_specs().at("redis"))},
      {lookup});
  ASSERT_THAT(r.errors, IsEmpty()) << r.errors[0].message;
  EXPECT_THAT(r.secrets, ElementsAre(SecretKeyRef{"team-a", "slack", "url"},
                                     SecretKeyRef{"team-b", "redis", "password"}));
  EXPECT_THAT(r.yaml, ::testing::Not(HasSubstr("s3cr3t")));
  YAML::Node doc = YAML::Load(r.yaml);
  EXPECT_EQ(doc["outputs"][0]["urlSecretRef"]["name"].Scalar(), "team-a.slack");
  EXPECT_EQ(doc["outputs"][0]["urlSecretRef"]["key"].Scalar(), "url");
  EXPECT_EQ(doc["outputs"][1]["passwordSecretRef"]["name"].Scalar(), "team-b.redis");
}

TEST(RenderOutputs, AMissingSecretKeyRefusesTheOutput) {
  auto lookup = [](const SecretKeyRef&) -> std::optional<std::string> { return std::nullopt; };
  RenderedOutputs r = render_outputs({falco_output("team-a", "cache", minimal_specs().at("redis"))}, {lookup});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].ns, "team-a");
  EXPECT_EQ(r.errors[0].name, "cache");
  EXPECT_EQ(r.errors[0].message, "Secret team-a/redis has no key 'password'");
  EXPECT_EQ(r.yaml, "outputs: []\n");
  EXPECT_THAT(r.secrets, IsEmpty());
}

TEST(RenderOutputs, LibraryErrorsAreReportedAgainstTheSpec) {
  RenderedOutputs r = render_outputs(
      {falco_output("ns", "t", R"({"type": "stdout", "template": "${rule} ${bogus}"})"),
       falco_output("ns", "d", R"({"type": "stdout", "delivery": {"initialBackoffMs": 500, "maxBackoffMs": 10}})"),
       falco_output("ns", "s", R"({"type": "slack", "urlSecretRef": {"name": "s", "key": "u"}})"),
       falco_output("ns", "ok", R"({"type": "stdout"})")},
      {[](const SecretKeyRef&) -> std::optional<std::string> { return "not-a-url"; }});
  EXPECT_THAT(r.accepted, ElementsAre("ns/ok"));
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].name, "d");
  EXPECT_EQ(r.errors[0].message, "spec.delivery: 'maxBackoffMs' must not be below initialBackoffMs");
  EXPECT_EQ(r.errors[1].name, "s");
  EXPECT_EQ(r.errors[1].message, "spec: 'url' must start with http:// or https://");
  EXPECT_EQ(r.errors[2].name, "t");
  EXPECT_THAT(r.errors[2].message, ::testing::StartsWith("spec: 'template' "));
  EXPECT_THAT(r.errors[2].message, HasSubstr("bogus"));
}

TEST(RenderOutputs, ErrorsOfBadObjectsDoNotStopTheOthers) {
  nlohmann::json no_spec = {{"metadata", {{"namespace", "a"}, {"name", "x"}}}};
  nlohmann::json no_name = {{"metadata", {{"namespace", "a"}}}, {"spec", {{"type", "stdout"}}}};
  nlohmann::json odd_spec = falco_output("a", "y", R"({"type": "stdout", "customFields": ["not", "a", "map"]})");
  RenderedOutputs r = render_outputs({no_spec, no_name, odd_spec, falco_output("a", "z", R"({"type": "stdout"})")});
  EXPECT_THAT(r.accepted, ElementsAre("a/z"));
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].message, "metadata: namespace and name are required");
  EXPECT_EQ(r.errors[1].message, "spec: is required");
  EXPECT_EQ(r.errors[2].message, "spec: 'customFields' must be a mapping of strings");
}

TEST(RenderOutputs, TheSampleRendersAndTheFullFileBuildsWithTheMaterialisedSecrets) {
  YAML::Node sample = YAML::LoadFile(std::string(PEREGRINE_SOURCE_DIR) +
                                     "/config/samples/peregrine.dev_v1alpha1_falcooutput.yaml");
  nlohmann::json object = to_json(sample);
  object["metadata"]["namespace"] = "peregrine-system";
  RenderedOutputs r = render_outputs({object, falco_output("team-a", "chat", minimal_specs().at("slack"))});
  ASSERT_THAT(r.errors, IsEmpty()) << r.errors[0].message;
  EXPECT_THAT(r.accepted, ElementsAre("peregrine-system/siem-webhook", "team-a/chat"));
  EXPECT_THAT(r.secrets, ElementsAre(SecretKeyRef{"peregrine-system", "webhook-credentials", "authorization"},
                                     SecretKeyRef{"team-a", "slack", "url"}));

  // What the agent does: the bundle Secret's keys as files under <secrets_dir>/<dir>/<key>.
  std::string dir = ::testing::TempDir() + "/render_outputs_secrets";
  std::filesystem::remove_all(dir);
  for (const auto& s : r.secrets) {
    std::filesystem::create_directories(dir + "/" + s.dir());
    std::ofstream(dir + "/" + s.dir() + "/" + s.key) << "https://hooks.example/T/B/x\n";
  }
  peregrine::outputs::ConfigContext ctx;
  ctx.secrets_dir = dir;
  auto d = peregrine::outputs::Dispatcher::from_config(YAML::Load(r.yaml)["outputs"], ctx);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)->size(), 2u);
  (*d)->shutdown(std::chrono::seconds(0));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace peregrine::op::outputs
