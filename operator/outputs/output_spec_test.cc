#include "operator/outputs/output_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace peregrine::op::outputs {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> check(const std::string& json) {
  return check_output_spec(nlohmann::json::parse(json));
}

TEST(OutputSpec, AcceptsAWellFormedWebhook) {
  EXPECT_THAT(check(R"({"type": "webhook", "url": "https://x/", "minimumPriority": "warning",
                        "headers": {"X-Source": "p"},
                        "headerSecretRefs": {"Authorization": {"name": "creds", "key": "auth"}},
                        "tls": {"caSecretRef": {"name": "ca", "key": "ca.crt"}, "insecureSkipVerify": false},
                        "delivery": {"batchSize": 10}})"),
              IsEmpty());
}

TEST(OutputSpec, TypeIsRequiredAndKnown) {
  EXPECT_THAT(check(R"({"url": "https://x/"})"),
              ElementsAre(::testing::StartsWith("spec.type: is required (one of ")));
  EXPECT_THAT(check(R"({"type": "webhok"})"),
              ElementsAre("spec.type: unknown sink type 'webhok' (did you mean 'webhook'?)"));
  EXPECT_THAT(check(R"([1])"), ElementsAre("spec: must be a mapping"));
}

TEST(OutputSpec, FieldsOfAnotherTypeAreNamedWithTheirTypes) {
  EXPECT_THAT(check(R"({"type": "webhook", "url": "https://x/", "path": "/var/log/a"})"),
              ElementsAre("spec.path: does not apply to type 'webhook' (only to file)"));
  EXPECT_THAT(check(R"({"type": "stdout", "brokers": "k:9092"})"),
              ElementsAre("spec.brokers: does not apply to type 'stdout' (only to kafka)"));
  EXPECT_THAT(check(R"({"type": "mqtt", "tls": {"insecureSkipVerify": true}})"),
              ElementsAre("spec.tls.insecureSkipVerify: does not apply to type 'mqtt'"));
}

TEST(OutputSpec, RequiredFieldsPerType) {
  EXPECT_THAT(check(R"({"type": "webhook"})"), ElementsAre("spec.url: is required for type 'webhook'"));
  EXPECT_THAT(check(R"({"type": "slack"})"),
              ElementsAre("spec.urlSecretRef: is required for type 'slack'"));
  EXPECT_THAT(check(R"({"type": "file"})"), ElementsAre("spec.path: is required for type 'file'"));
  EXPECT_THAT(check(R"({"type": "kafka", "topic": "t"})"),
              ElementsAre("spec.brokers: is required for type 'kafka'"));
}

TEST(OutputSpec, InlineCredentialsAreRefused) {
  EXPECT_THAT(check(R"({"type": "redis", "password": "hunter2"})"),
              ElementsAre("spec.password: is a credential: give it as passwordSecretRef ({name, key} "
                          "of a Secret), never inline"));
  EXPECT_THAT(check(R"({"type": "slack", "url": "https://hooks.slack.com/services/T/B/X"})"),
              ElementsAre("spec.url: a slack webhook URL carries its token: give it as urlSecretRef, "
                          "never inline",
                          "spec.urlSecretRef: is required for type 'slack'"));
  EXPECT_THAT(check(R"({"type": "webhook", "url": "https://x/", "headers": {"authorization": "Bearer t"}})"),
              ElementsAre("spec.headers.authorization: is a credential: give it in headerSecretRefs, "
                          "never inline"));
  EXPECT_THAT(check(R"({"type": "kafka", "brokers": "k:9092", "properties": {"sasl.password": "p"}})"),
              ElementsAre("spec.properties.sasl.password: is a credential: give the SASL password in "
                          "saslPasswordSecretRef"));
  EXPECT_THAT(check(R"({"type": "nats", "tokenFile": "/etc/token"})"),
              ElementsAre("spec.tokenFile: node file paths are not taken from a FalcoOutput; use "
                          "tokenSecretRef"));
  EXPECT_THAT(check(R"({"type": "webhook", "url": "https://x/", "tls": {"caFile": "/ca"}})"),
              ElementsAre("spec.tls.caFile: node file paths are not taken from a FalcoOutput; use "
                          "caSecretRef"));
}

TEST(OutputSpec, UnknownFieldsGetAHint) {
  EXPECT_THAT(check(R"({"type": "webhook", "url": "https://x/", "timeoutMS": 5})"),
              ElementsAre("spec.timeoutMS: unknown field (did you mean 'timeoutMs'?)"));
  EXPECT_THAT(check(R"({"type": "stdout", "spool": {"dir": "/x"}})"),
              ElementsAre("spec.spool: unknown field"));
}

TEST(OutputSpec, SecretReferencesAreChecked) {
  EXPECT_THAT(check(R"({"type": "redis", "passwordSecretRef": {"name": "r", "key": "../x"}})"),
              ElementsAre("spec.passwordSecretRef.key: '../x' is not a Secret key"));
  EXPECT_THAT(check(R"({"type": "redis", "passwordSecretRef": {"name": "Bad_Name", "key": "p"}})"),
              ElementsAre("spec.passwordSecretRef.name: 'Bad_Name' is not a Secret name"));
  EXPECT_THAT(check(R"({"type": "redis", "passwordSecretRef": "r/p"})"),
              ElementsAre("spec.passwordSecretRef: must be {name: SECRET, key: KEY}"));
  EXPECT_THAT(check(R"({"type": "webhook", "url": "https://x/", "tls": {"certSecretRef": {"name": "c", "key": "k"}}})"),
              ElementsAre("spec.tls: mutual TLS needs both certSecretRef and keySecretRef"));
}

TEST(OutputSpec, PathsMustBeAbsolute) {
  EXPECT_THAT(check(R"({"type": "file", "path": "alerts.json"})"),
              ElementsAre("spec.path: must be an absolute path"));
}

TEST(OutputSpec, EntryRewritesEverySecretReference) {
  auto spec = nlohmann::json::parse(R"({"type": "webhook", "url": "https://x/",
      "headerSecretRefs": {"Authorization": {"name": "creds", "key": "auth"}},
      "tls": {"caSecretRef": {"name": "ca", "key": "ca.crt"}, "insecureSkipVerify": true}})");
  std::vector<SecretKeyRef> secrets;
  nlohmann::json entry = output_entry("team-a", "siem", spec, secrets);
  EXPECT_EQ(entry["name"], "team-a/siem");
  EXPECT_EQ(entry["headerSecretRefs"]["Authorization"],
            nlohmann::json::parse(R"({"name": "team-a.creds", "key": "auth"})"));
  EXPECT_EQ(entry["tls"]["caSecretRef"], nlohmann::json::parse(R"({"name": "team-a.ca", "key": "ca.crt"})"));
  EXPECT_EQ(entry["tls"]["insecureSkipVerify"], true);
  EXPECT_THAT(secrets, ElementsAre(SecretKeyRef{"team-a", "creds", "auth"}, SecretKeyRef{"team-a", "ca", "ca.crt"}));
  EXPECT_EQ(secrets[0].dir(), "team-a.creds");
}

}  // namespace
}  // namespace peregrine::op::outputs
