// The compiled ruleset: which event types each rule can match (and so which rules an event
// visits), first-match versus all-matches evaluation, and the alert a match produces.

#include "engine/ruleset/ruleset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"

namespace peregrine::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::find_rule;
using testing::fired;
using testing::SyscallScene;

std::string rule(const std::string& name, const std::string& condition, const std::string& extra = "") {
  return testing::rule_yaml(name, condition, "\"%proc.name opened %fd.name\"", extra);
}

class RulesetTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Ruleset> load(const std::string& text) { return testing::load_ok(engine, text); }
  // Which event types rule `name` is indexed under.
  std::vector<std::string> types_of(const Ruleset& rs, const std::string& name) {
    const CompiledRule* r = find_rule(rs, name);
    if (!r) return {"<no rule>"};
    if (!r->event_types) return {"<all>"};
    std::vector<std::string> out;
    const auto& table = syscall_event_types();
    for (uint16_t t = 0; t < r->event_types->size(); ++t)
      if ((*r->event_types)[t]) out.emplace_back(table.name(t));
    if (out.size() > 20) return {"<" + std::to_string(out.size()) + " types>"};
    return out;
  }

  Engine engine{"test-host"};
  SyscallScene s;
};

TEST_F(RulesetTest, EventTypesOfConditions) {
  auto rs = load(rule("eq", "evt.type = openat and proc.name = cat") +
                 rule("in", "evt.type in (open, openat) and proc.name = cat") +
                 rule("or", "evt.type = openat or evt.type = execve") +
                 rule("and", "evt.type in (open, openat) and not evt.type = open") +
                 rule("macro", "spawned_process and proc.name = bash") +
                 rule("no_type", "proc.name = cat") +
                 rule("or_untyped", "evt.type = openat or proc.name = cat") +
                 rule("not_or", "not (evt.type = openat or evt.type = execve) and evt.type in (open, execve)") +
                 "- macro: spawned_process\n  condition: evt.type in (execve, execveat)\n");
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(types_of(*rs, "eq"), ElementsAre("openat"));
  EXPECT_THAT(types_of(*rs, "in"), ElementsAre("open", "openat"));
  EXPECT_THAT(types_of(*rs, "or"), ElementsAre("execve", "openat"));
  EXPECT_THAT(types_of(*rs, "and"), ElementsAre("openat"));
  EXPECT_THAT(types_of(*rs, "macro"), ElementsAre("execve", "execveat"));
  EXPECT_THAT(types_of(*rs, "no_type"), ElementsAre("<all>"));
  EXPECT_THAT(types_of(*rs, "or_untyped"), ElementsAre("<all>"));
  EXPECT_THAT(types_of(*rs, "not_or"), ElementsAre("open"));
}

TEST_F(RulesetTest, NegatedEventTypesMeanEveryOtherType) {
  auto rs = load(rule("ne", "evt.type != openat") + rule("not_in", "not evt.type in (openat, execve)") +
                 rule("not_ne", "not evt.type != openat"));
  ASSERT_NE(rs, nullptr);
  const size_t all = syscall_event_types().size();
  for (const char* name : {"ne", "not_in"}) {
    const CompiledRule* r = find_rule(*rs, name);
    ASSERT_TRUE(r->event_types) << name;
    EXPECT_FALSE((*r->event_types)[kSysOpenat]) << name;
    EXPECT_TRUE((*r->event_types)[kSysOpen]) << name;
    EXPECT_TRUE((*r->event_types)[kEventProcexit]) << name;
    EXPECT_EQ(r->event_types->size(), all);
  }
  EXPECT_FALSE((*find_rule(*rs, "not_in")->event_types)[kSysExecve]);
  EXPECT_THAT(types_of(*rs, "not_ne"), ElementsAre("openat"));
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("not_ne"));
  s.become_shell_exec();
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("ne"));
}

TEST_F(RulesetTest, EventsVisitOnlyRulesForTheirType) {
  auto rs = load(rule("opens", "evt.type = openat and proc.name exists") +
                 rule("execs", "evt.type = execve and proc.name exists") +
                 rule("any", "proc.name exists"));
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("opens", "any"));
  s.become_shell_exec();
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("execs", "any"));
  // An event type no rule names only reaches the unrestricted rule.
  s.event.type = kEventProcexit;
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("any"));
  // Codes outside the table still evaluate (and never match a typed rule).
  s.event.type = 60000;
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("any"));
}

TEST_F(RulesetTest, NeededEventTypes) {
  auto typed = load(rule("a", "evt.type = openat") + rule("b", "evt.type in (execve, execveat)") +
                    rule("off", "evt.type = connect", "  enabled: false\n"));
  ASSERT_NE(typed, nullptr);
  auto needed = typed->for_source("syscall")->needed_event_types();
  ASSERT_EQ(needed.size(), syscall_event_types().size());
  size_t count = 0;
  for (bool b : needed) count += b;
  EXPECT_EQ(count, 3u);
  EXPECT_TRUE(needed[kSysOpenat]);
  EXPECT_TRUE(needed[kSysExecveat]);
  EXPECT_FALSE(needed[*syscall_event_types().code("connect")]);  // only a disabled rule wants it
  auto untyped = load(rule("a", "evt.type = openat") + rule("all", "proc.name = cat"));
  ASSERT_NE(untyped, nullptr);
  for (bool b : untyped->for_source("syscall")->needed_event_types()) EXPECT_TRUE(b);
}

TEST_F(RulesetTest, FirstMatchOrAllMatches) {
  auto rs = load(rule("first", "evt.type = openat") + rule("second", "evt.type = openat and proc.name = cat") +
                 rule("third", "evt.type = openat and proc.name = dog") + rule("fourth", "proc.name = cat"));
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fired(*rs, s.event, "syscall", RuleMatching::kAll), ElementsAre("first", "second", "fourth"));
  EXPECT_THAT(fired(*rs, s.event, "syscall", RuleMatching::kFirst), ElementsAre("first"));
}

TEST_F(RulesetTest, DisabledRulesAreSkipped) {
  auto rs = load(rule("off", "evt.type = openat", "  enabled: false\n") + rule("on", "evt.type = openat"));
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fired(*rs, s.event, "syscall", RuleMatching::kFirst), ElementsAre("on"));
  EXPECT_EQ(rs->for_source("syscall")->rules().size(), 2u);
  EXPECT_EQ(rs->for_source("syscall")->enabled_rules(), 1u);
}

TEST_F(RulesetTest, SourcesAreSeparate) {
  auto rs = load(rule("sys", "evt.type = openat") +
                 "- rule: audit\n  desc: d\n  condition: ka.verb = create\n  output: o\n  priority: INFO\n"
                 "  source: k8s_audit\n");
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(rs->sources().size(), 2u);
  EXPECT_EQ(rs->for_source("nope"), nullptr);
  auto only_sys = load(rule("sys", "evt.type = openat"));
  ASSERT_NE(only_sys, nullptr);
  EXPECT_EQ(only_sys->for_source("k8s_audit"), nullptr);
  EXPECT_THAT(fired(*only_sys, s.event, "k8s_audit"), IsEmpty());
}

TEST_F(RulesetTest, ContextsAreReusedAcrossEvents) {
  auto rs = load(rule("cat", "evt.type = openat and proc.name = cat"));
  ASSERT_NE(rs, nullptr);
  const SourceRuleset* sys = rs->for_source("syscall");
  auto ctx = sys->new_context();
  int matches = 0;
  for (int i = 0; i < 3; ++i) {
    s.cat.comm = i == 1 ? "dog" : "cat";  // values change between events; nothing is stale
    sys->evaluate(*ctx, s.event, RuleMatching::kAll, [&](const CompiledRule&) { ++matches; });
  }
  EXPECT_EQ(matches, 2);
  EXPECT_EQ(ctx->counters().events, 3u);
}

TEST_F(RulesetTest, AlertForAMatch) {
  auto rs = load(R"(
- rule: Read shadow
  desc: d
  condition: evt.type = openat and fd.name = /etc/shadow
  output: >
    Shadow read (user=%user.name uid=%user.uid pid=%proc.pid read=%evt.is_open_read
    ip=%fd.sip ancestors=%proc.aname file=%fd.name)
  priority: WARNING
  tags: [T1003, filesystem]
)");
  ASSERT_NE(rs, nullptr);
  const SourceRuleset* sys = rs->for_source("syscall");
  auto ctx = sys->new_context();
  std::optional<Alert> alert;
  sys->evaluate(*ctx, s.event, RuleMatching::kFirst,
                [&](const CompiledRule& r) { alert = sys->make_alert(r, *ctx, "node-7"); });
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->rule, "Read shadow");
  EXPECT_EQ(alert->priority, Priority::kWarning);
  EXPECT_EQ(alert->source, "syscall");
  EXPECT_EQ(alert->hostname, "node-7");
  EXPECT_EQ(alert->time_ns, testing::kSceneTime);
  EXPECT_THAT(alert->tags, ElementsAre("T1003", "filesystem"));
  const std::string message =
      "Shadow read (user=root uid=0 pid=1001 read=true ip=<NA> "
      "ancestors=(bash,containerd-shim,systemd) file=/etc/shadow)";
  EXPECT_EQ(alert->message, message);
  EXPECT_EQ(alert->output_line(), "22:13:20.123456789: Warning " + message);

  nlohmann::ordered_json want = nlohmann::ordered_json::parse(R"json({
    "hostname": "node-7",
    "output": "22:13:20.123456789: Warning Shadow read (user=root uid=0 pid=1001 read=true ip=<NA> ancestors=(bash,containerd-shim,systemd) file=/etc/shadow)",
    "output_fields": {"user.name": "root", "user.uid": 0, "proc.pid": 1001, "evt.is_open_read": true,
                      "fd.sip": null, "proc.aname": "(bash,containerd-shim,systemd)", "fd.name": "/etc/shadow"},
    "priority": "Warning",
    "rule": "Read shadow",
    "source": "syscall",
    "tags": ["T1003", "filesystem"],
    "time": "2023-11-14T22:13:20.123456789Z",
    "message": "Shadow read (user=root uid=0 pid=1001 read=true ip=<NA> ancestors=(bash,containerd-shim,systemd) file=/etc/shadow)"
  })json");
  EXPECT_EQ(alert->to_json(), want);
  // One line, keys in Falco's order.
  std::string line = alert->to_json_line();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.rfind("{\"hostname\":\"node-7\",\"output\":", 0), 0u);
  EXPECT_NE(line.find("\"tags\":[\"T1003\",\"filesystem\"],\"time\":\"2023-11-14T22:13:20.123456789Z\""),
            std::string::npos);
}

TEST_F(RulesetTest, AlertJsonSurvivesBytesThatAreNotUtf8) {
  auto rs = load(rule("r", "evt.type = openat"));
  ASSERT_NE(rs, nullptr);
  s.fd.name = std::string("/tmp/\xff\xfe", 7);
  const SourceRuleset* sys = rs->for_source("syscall");
  auto ctx = sys->new_context();
  std::string line;
  sys->evaluate(*ctx, s.event, RuleMatching::kFirst,
                [&](const CompiledRule& r) { line = sys->make_alert(r, *ctx, "h").to_json_line(); });
  EXPECT_NE(line.find("/tmp/\xEF\xBF\xBD\xEF\xBF\xBD"), std::string::npos) << line;
}

TEST_F(RulesetTest, PriorityNamesInTheOutputLine) {
  Alert a;
  a.time_ns = 0;
  a.message = "m";
  a.priority = Priority::kInformational;
  EXPECT_EQ(a.output_line(), "00:00:00.000000000: Informational m");
  a.priority = Priority::kEmergency;
  EXPECT_EQ(a.to_json()["priority"], "Emergency");
  EXPECT_EQ(a.to_json()["time"], "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(a.to_json()["output_fields"], nlohmann::ordered_json::object());
  EXPECT_EQ(a.to_json()["tags"], nlohmann::ordered_json::array());
}

}  // namespace
}  // namespace peregrine::engine
