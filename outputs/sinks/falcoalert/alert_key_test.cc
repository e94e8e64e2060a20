#include "outputs/sinks/falcoalert/alert_key.h"

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "outputs/sinks/falcoalert/falcoalert_config.h"
#include "outputs/sinks/falcoalert/object.h"
#include "outputs/sinks/falcoalert/test_alert.h"

namespace peregrine::outputs::falcoalert {
namespace {

using testing::audit_alert;
using testing::syscall_alert;

bool is_dns1123_label(const std::string& s) {
  static const std::regex re("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  return s.size() <= 63 && std::regex_match(s, re);
}

TEST(AlertKey, SyscallAlertKeysOnRuleNodeNamespacePodContainer) {
  AlertKey k = key_of(syscall_alert(), "");
  EXPECT_EQ(k.rule, "Terminal shell in container");
  EXPECT_EQ(k.node, "node-1");  // the hostname when no nodeName is configured
  EXPECT_EQ(k.ns, "default");
  EXPECT_EQ(k.pod, "web-7d4b9c");
  EXPECT_EQ(k.container, "nginx");
  EXPECT_EQ(key_of(syscall_alert(), "worker-3").node, "worker-3");
}

TEST(AlertKey, HostEventsHaveEmptyNamespaceAndPod) {
  AlertKey k = key_of(syscall_alert("Read shadow", "", ""), "n");
  EXPECT_EQ(k.ns, "");
  EXPECT_EQ(k.pod, "");
}

TEST(AlertKey, AuditAlertTakesTargetNamespaceAndPodTargets) {
  AlertKey k = key_of(audit_alert("team-a", "pods", "api-0"), "");
  EXPECT_EQ(k.ns, "team-a");
  EXPECT_EQ(k.pod, "api-0");
  EXPECT_EQ(k.node, "audit-0");
  AlertKey cm = key_of(audit_alert("team-a", "configmaps", "settings"), "");
  EXPECT_EQ(cm.ns, "team-a");
  EXPECT_EQ(cm.pod, "");  // not a pod: no pod column
  // A rule whose output names the subresource but not the resource.
  engine::Alert exec = audit_alert("shop", "pods", "cart-7d9f");
  exec.output_fields.erase("ka.target.resource");
  exec.output_fields["ka.target.subresource"] = "exec";
  EXPECT_EQ(key_of(exec, "").pod, "cart-7d9f");
  exec.output_fields["ka.target.subresource"] = "status";
  EXPECT_EQ(key_of(exec, "").pod, "");
}

TEST(AlertKey, JoinedRoundTripsAndMatchesTheEventPathForm) {
  AlertKey k = key_of(syscall_alert(), "n1");
  EXPECT_EQ(AlertKey::from_joined(k.joined()).joined(), k.joined());
  EXPECT_EQ(joined_key_of(syscall_alert(), "n1"), k.joined());
  AlertKey empty;
  EXPECT_EQ(AlertKey::from_joined(empty.joined()).joined(), empty.joined());
  EXPECT_EQ(empty.joined(), std::string(4, '\0'));
}

TEST(ObjectName, IsStableAcrossVersionsAndProcesses) {
  // Two writers (and the next release) must name a key the same way: the hash is pinned here.
  AlertKey k{"Terminal shell in container", "node-1", "default", "web-7d4b9c", "nginx"};
  EXPECT_EQ(key_hash(k), key_hash(AlertKey::from_joined(k.joined())));
  std::string name = object_name(k);
  EXPECT_TRUE(name.starts_with("terminal-shell-in-container-")) << name;
  EXPECT_EQ(name.size(), std::string("terminal-shell-in-container-").size() + 16);
  char expected[17];
  std::snprintf(expected, sizeof expected, "%016llx", static_cast<unsigned long long>(key_hash(k)));
  EXPECT_EQ(name.substr(name.size() - 16), expected);
  // FNV-1a 64 of the joined key, computed independently of the implementation's loop.
  EXPECT_EQ(key_hash(AlertKey{"", "", "", "", ""}), [] {
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < 4; ++i) h = (h ^ 0) * 0x100000001b3ull;
    return h;
  }());
}

TEST(ObjectName, EveryFieldOfTheKeyChangesTheName) {
  AlertKey base{"R", "n", "ns", "p", "c"};
  std::set<std::string> names{object_name(base)};
  for (int field = 0; field < 5; ++field) {
    AlertKey k = base;
    std::string* parts[] = {&k.rule, &k.node, &k.ns, &k.pod, &k.container};
    *parts[field] += "x";
    names.insert(object_name(k));
  }
  EXPECT_EQ(names.size(), 6u);
  // The separator keeps ("ab","c") and ("a","bc") apart.
  EXPECT_NE(object_name({"R", "ab", "c", "", ""}), object_name({"R", "a", "bc", "", ""}));
}

TEST(ObjectName, IsADns1123LabelWhateverTheRuleName) {
  const std::vector<std::string> rules = {"Terminal shell in container", "", "!!!", "---x---", "Ünïcödé rule ✓",
                                         std::string(500, 'A'), "a" + std::string(100, '-') + "b",
                                         "UPPER_case.dots/slash"};
  for (const std::string& rule : rules) {
    std::string name = object_name({rule, "node", "", "", ""});
    EXPECT_TRUE(is_dns1123_label(name)) << "rule '" << rule << "' -> '" << name << "'";
  }
  EXPECT_TRUE(object_name({"!!!", "n", "", "", ""}).starts_with("alert-"));
  EXPECT_TRUE(object_name({"UPPER_case.dots", "n", "", "", ""}).starts_with("upper-case-dots-"));
}

TEST(FalcoAlertConfig, DurationsNeedAUnit) {
  EXPECT_EQ(parse_duration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(parse_duration("1s"), std::chrono::milliseconds(1000));
  EXPECT_EQ(parse_duration("2m"), std::chrono::milliseconds(120000));
  EXPECT_FALSE(parse_duration("5"));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration("1h"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("1.5s"));
}

TEST(FalcoAlertObject, FollowsTheSchemaLimits) {
  engine::Alert a = syscall_alert();
  a.source = "My Plugin!";
  a.message = std::string(40000, 'x');
  for (int i = 0; i < 300; ++i) a.output_fields["f" + std::to_string(i)] = i;
  for (int i = 0; i < 100; ++i) a.tags.push_back("t" + std::to_string(i));
  a.tags.push_back("");
  Entry e;
  e.key = key_of(a, "");
  e.name = object_name(e.key);
  Due due{&e, 7, a.time_ns, a.time_ns + 61'000'000'000ull, std::make_shared<const engine::Alert>(a)};
  nlohmann::json o = new_object(e, due, "default", 7);
  const auto& spec = o["spec"];
  EXPECT_EQ(o["apiVersion"], "peregrine.dev/v1alpha1");
  EXPECT_EQ(o["kind"], "FalcoAlert");
  EXPECT_EQ(o["metadata"]["name"], e.name);
  EXPECT_EQ(o["metadata"]["labels"]["peregrine.dev/node"], "node-1");
  EXPECT_EQ(spec["count"], 7);
  EXPECT_EQ(spec["priority"], "Warning");
  EXPECT_EQ(spec["source"], "my_plugin_");
  EXPECT_EQ(spec["firstSeen"], "2026-11-22T00:00:00Z");
  EXPECT_EQ(spec["lastSeen"], "2026-11-22T00:01:01Z");
  EXPECT_EQ(spec["pod"], "web-7d4b9c");
  EXPECT_EQ(spec["containerId"], "3ad7b1e0c2f4");
  EXPECT_LE(spec["sampleOutput"].get<std::string>().size(), 32768u);
  EXPECT_LE(spec["sampleFields"].size(), 256u);
  EXPECT_EQ(spec["sampleFields"]["user.name"], "root");
  EXPECT_LE(spec["tags"].size(), 64u);
  for (const auto& t : spec["tags"]) EXPECT_FALSE(t.get<std::string>().empty());
}

TEST(FalcoAlertObject, NodeNamesThatAreNotLabelValuesAreLeftOutOfTheLabels) {
  engine::Alert a = syscall_alert();
  Entry e;
  e.key = key_of(a, std::string(100, 'n'));
  e.name = object_name(e.key);
  Due due{&e, 1, a.time_ns, a.time_ns, std::make_shared<const engine::Alert>(a)};
  nlohmann::json o = new_object(e, due, "default", 1);
  EXPECT_FALSE(o["metadata"]["labels"].contains("peregrine.dev/node"));
  EXPECT_EQ(o["spec"]["node"], std::string(100, 'n'));
}

}  // namespace
}  // namespace peregrine::outputs::falcoalert
