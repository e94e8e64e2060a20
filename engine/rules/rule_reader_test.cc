// Reading rule files: lists and macros that name each other in any order, the textual-list
// quirks of real rule files, versions, priorities, unknown keys, YAML mistakes, enabling,
// redefinition. Semantics are checked by evaluating the loaded rules on a hand-built event.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"
#include "engine/rules/priority.h"
#include "engine/rules/rule_reader.h"

namespace peregrine::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::dump;
using testing::find_code;
using testing::fired;
using testing::messages;
using testing::SyscallScene;

class RuleReaderTest : public ::testing::Test {
 protected:
  // Loads `text`; the load must succeed.
  std::shared_ptr<const Ruleset> ok(const std::string& text) {
    result = testing::load(engine, text);
    EXPECT_TRUE(result.report.ok()) << dump(result.report);
    EXPECT_TRUE(result.ruleset || !result.report.ok());
    return result.ruleset;
  }
  // Loads `text`; it must fail. Returns the errors as `line:col: message`.
  std::vector<std::string> errors(const std::string& text) {
    result = testing::load(engine, text);
    EXPECT_FALSE(result.report.ok()) << text;
    EXPECT_EQ(result.ruleset, nullptr);
    return messages(result.report);
  }
  std::vector<std::string> fires(const std::string& text) {
    auto rs = ok(text);
    return rs ? fired(*rs, s.event) : std::vector<std::string>{"<no ruleset>"};
  }

  Engine engine{"test-host"};
  LoadResult result;
  SyscallScene s;
};

constexpr const char* kOpenRule = R"(
- rule: r
  desc: d
  condition: evt.type = openat and proc.name in (names)
  output: o
  priority: WARNING
)";

TEST_F(RuleReaderTest, ListsNameListsInAnyOrder) {
  EXPECT_THAT(fires(R"(
- list: names
  items: [more_names, dog]
- list: more_names
  items: [deepest, bird]
- list: deepest
  items: [cat]
)" + std::string(kOpenRule)),
              ElementsAre("r"));
  EXPECT_THAT(result.report.files[0].lists, 3);
  EXPECT_THAT(messages(result.report, false), IsEmpty());  // every list is used
}

TEST_F(RuleReaderTest, ListCycleIsAnError) {
  EXPECT_THAT(errors(R"(
- list: a
  items: [b]
- list: b
  items: [a, x]
- rule: r
  desc: d
  condition: evt.type = openat and proc.name in (a)
  output: o
  priority: WARNING
)"),
              ElementsAre("2:3: list 'a' contains itself"));
}

TEST_F(RuleReaderTest, MacrosNameMacrosInAnyOrder) {
  EXPECT_THAT(fires(R"(
- rule: r
  desc: d
  condition: outer
  output: o
  priority: WARNING
- macro: outer
  condition: middle and evt.type = openat
- macro: middle
  condition: (inner)
- macro: inner
  condition: proc.name = cat
)"),
              ElementsAre("r"));
}

TEST_F(RuleReaderTest, MacrosSharedManyTimesOverLoad) {
  // m0 uses m1 twice, m1 uses m2 twice, ...: 2^40 paths, each macro compiled and walked once.
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += "- macro: m" + std::to_string(i) + "\n  condition: (m" + std::to_string(i + 1) + " or not m" +
            std::to_string(i + 1) + ")\n";
  }
  text += "- macro: m40\n  condition: evt.type = openat and proc.name = cat\n";
  text += "- rule: r\n  desc: d\n  condition: m0 and evt.type = openat\n  output: o\n  priority: INFO\n";
  EXPECT_THAT(fires(text), ElementsAre("r"));
}

TEST_F(RuleReaderTest, NamesMustBeUsableInConditions) {
  EXPECT_THAT(errors("- macro: my-macro\n  condition: proc.name = cat\n"),
              ElementsAre("1:10: macro name 'my-macro' is not valid: use letters, digits and '_', not starting "
                          "with a digit"));
  EXPECT_THAT(errors("- macro: 1st\n  condition: proc.name = cat\n"),
              ElementsAre("1:10: macro name '1st' is not valid: use letters, digits and '_', not starting "
                          "with a digit"));
  EXPECT_THAT(errors("- list: my list\n  items: []\n"),
              ElementsAre("1:9: list name 'my list' is not valid: it may not be empty or hold blanks, "
                          "parentheses, commas, '=' or quotes"));
  // Falco accepts any bare word as a list name.
  ok("- list: my-list.v2\n  items: [cat]\n- rule: r\n  desc: d\n"
     "  condition: evt.type = openat and proc.name in (my-list.v2)\n  output: o\n  priority: INFO\n");
}

TEST_F(RuleReaderTest, MacroCycleIsAnError) {
  auto errs = errors(R"(
- macro: a
  condition: b and evt.type = openat
- macro: b
  condition: proc.name = x or a
- rule: r
  desc: d
  condition: a
  output: o
  priority: WARNING
)");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "5:31: macro 'a' refers to itself (a -> b -> a) (in macro 'b')");
}

TEST_F(RuleReaderTest, TextualListQuirks) {
  // Empty lists (both spellings), YAML integers, items carrying their own quotes, items with
  // blanks, and an inline empty list.
  s.cat.comm = "(systemd)";
  EXPECT_THAT(fires(R"y(
- list: empty
  items: []
- list: null_items
  items:
- list: ports
  items: [22, 443, "8080"]
- list: quoted
  items: ['"(systemd)"', "'single'", '"say \"hi\""']
- list: blanks
  items: ["(systemd) /etc/shadow", other thing]
- rule: r
  desc: d
  condition: >
    evt.type = openat and proc.name in (quoted) and not proc.name in (empty)
    and not proc.name in (null_items, x) and proc.cmdline in (blanks)
    and not fd.num in (ports) and proc.name in (nope, quoted) and not proc.name in ()
  output: o
  priority: WARNING
)y"),
              ElementsAre("r"));
}

TEST_F(RuleReaderTest, IntegerListItemsCompareAsNumbers) {
  FdView sock;
  sock.type = FdType::kIpv4;
  sock.sip = *IpAddr::parse("10.0.0.1");
  sock.sport = 443;
  sock.role = SocketRole::kClient;
  s.event.fd = &sock;
  EXPECT_THAT(fires(R"(
- list: https_ports
  items: [443, 8443]
- rule: r
  desc: d
  condition: evt.type = openat and fd.sport in (https_ports)
  output: o
  priority: WARNING
)"),
              ElementsAre("r"));
}

TEST_F(RuleReaderTest, QuotedListNameIsAPlainWord) {
  s.cat.comm = "names";
  EXPECT_THAT(fires(R"(
- list: names
  items: [dog]
- rule: r
  desc: d
  condition: evt.type = openat and proc.name in ("names") and not proc.name in (names)
  output: o
  priority: WARNING
)"),
              ElementsAre("r"));
}

TEST_F(RuleReaderTest, KeysInAnyOrder) {
  EXPECT_THAT(fires(R"(
- condition: proc.name = cat
  macro: is_cat
- priority: WARNING
  output: o
  condition: evt.type = openat and is_cat
  desc: d
  rule: r
)"),
              ElementsAre("r"));
}

TEST_F(RuleReaderTest, EngineVersion) {
  for (const char* v : {"0.57.0", "0.10.0", "0.0.1", "2", "57", "'0.57.0'"}) {
    ok(std::string("- required_engine_version: ") + v + "\n");
  }
  EXPECT_THAT(errors("- required_engine_version: 0.58.0\n"),
              ElementsAre("1:28: rules require engine version 0.58.0, but this engine is 0.57.0"));
  EXPECT_THAT(errors("- required_engine_version: 58\n"),
              ElementsAre("1:28: rules require engine version 58, but this engine is 0.57.0"));
  EXPECT_THAT(errors("- required_engine_version: 1.0.0\n"),
              ElementsAre("1:28: rules require engine version 1.0.0, but this engine is 0.57.0"));
  EXPECT_THAT(errors("- required_engine_version: 0.57\n"),
              ElementsAre("1:28: required_engine_version '0.57' is not a version like 0.57.0"));
  EXPECT_THAT(errors("- required_engine_version: latest\n"),
              ElementsAre("1:28: required_engine_version 'latest' is not a version like 0.57.0"));
  EXPECT_THAT(errors("- required_engine_version: [0, 57]\n"),
              ElementsAre("1:28: required_engine_version must be a version like 0.57.0"));
  EXPECT_EQ(engine_version_string(), "0.57.0");
}

TEST_F(RuleReaderTest, PluginVersionsWarn) {
  ok(R"(
- required_plugin_versions:
  - name: container
    version: 0.4.0
  - name: json
    version: 0.7.0
    alternatives:
      - name: k8saudit
        version: 0.7.0
)");
  EXPECT_THAT(messages(result.report, false),
              ElementsAre("3:5: plugin 'container' 0.4.0 is not loaded: Peregrine provides its fields built in",
                          "5:5: plugin 'json' is not loaded: Peregrine does not load plugins; rules using "
                          "its fields will fail to compile"));
  EXPECT_THAT(errors("- required_plugin_versions:\n  - name: container\n"),
              ElementsAre("2:5: each required plugin needs a name and a version"));
}

TEST_F(RuleReaderTest, UnknownKeysSuggestTheIntendedOne) {
  EXPECT_THAT(errors(R"(
- rule: r
  desc: d
  condition: evt.type = openat
  output: o
  priorty: WARNING
)"),
              ElementsAre("6:3: unknown key 'priorty' in rule, did you mean 'priority'?"));
  EXPECT_EQ(result.report.files[0].errors[0].item, "rule 'r'");
  EXPECT_EQ(result.report.files[0].errors[0].code, "unknown-key");
  EXPECT_THAT(errors("- macro: m\n  condtion: a\n"),
              ElementsAre("2:3: unknown key 'condtion' in macro, did you mean 'condition'?"));
  EXPECT_THAT(errors("- list: l\n  item: [a]\n"),
              ElementsAre("2:3: unknown key 'item' in list, did you mean 'items'?"));
  EXPECT_THAT(errors("- list: l\n  items: [a]\n  condition: x\n"),
              ElementsAre("3:3: key 'condition' does not belong in a list"));
  EXPECT_THAT(errors("- rul: r\n  desc: d\n"),
              ElementsAre("1:3: unknown key 'rul', did you mean 'rule'?"));
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n"
                     "  priority: INFO\n  exceptions:\n    - name: e\n      feilds: proc.name\n"),
              ElementsAre("8:7: unknown key 'feilds' in exception, did you mean 'fields'?"));
}

TEST_F(RuleReaderTest, UnknownTopLevelItemIsAWarning) {
  // Falco skips items it does not know with a warning, so newer files still load.
  ok("- future_item: {a: 1}\n- list: l\n  items: []\n");
  EXPECT_THAT(messages(result.report, false),
              ElementsAre("1:3: unknown item: expected one of rule, macro, list, required_engine_version, "
                          "required_plugin_versions; item skipped",
                          "2:3: list 'l' is not used by any rule, macro or list"));
}

TEST_F(RuleReaderTest, PrioritiesAreCaseInsensitive) {
  const std::pair<const char*, Priority> cases[] = {
      {"EMERGENCY", Priority::kEmergency}, {"alert", Priority::kAlert},
      {"Critical", Priority::kCritical},   {"ERROR", Priority::kError},
      {"warning", Priority::kWarning},     {"Notice", Priority::kNotice},
      {"informational", Priority::kInformational}, {"INFO", Priority::kInformational},
      {"Info", Priority::kInformational},  {"DEBUG", Priority::kDebug}};
  for (const auto& [text, want] : cases) {
    auto rs = ok(std::string("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n  priority: ") +
                 text + "\n");
    ASSERT_NE(rs, nullptr) << text;
    EXPECT_EQ(testing::find_rule(*rs, "r")->priority, want) << text;
  }
  EXPECT_EQ(priority_name(Priority::kInformational), "Informational");
  EXPECT_EQ(priority_name(Priority::kEmergency), "Emergency");
  EXPECT_FALSE(parse_priority("Warn"));
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n  priority: Severe\n"),
              ElementsAre("5:13: invalid priority 'Severe': use one of Emergency, Alert, Critical, Error, "
                          "Warning, Notice, Informational, Debug"));
  EXPECT_EQ(result.report.files[0].errors[0].code, "bad-priority");
}

TEST_F(RuleReaderTest, YamlSyntaxErrorHasAPosition) {
  auto errs = errors("- rule: r\n  desc: d\n  condition: [evt.type = openat\n  output: o\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(find_code(result.report, "yaml-syntax")->line, 4);
  // A file that fails to parse contributes nothing, not even a partial item.
  EXPECT_EQ(result.report.files[0].rules, 0);
  auto bad_indent = errors("- list: a\n  items: [x]\n - list: b\n");
  ASSERT_EQ(bad_indent.size(), 1u);
  EXPECT_EQ(bad_indent[0].substr(0, 4), "3:2:");
}

TEST_F(RuleReaderTest, FileMustBeAList) {
  EXPECT_THAT(errors("rule: r\ndesc: d\n"),
              ElementsAre("1:1: a rules file must be a YAML list of items (- rule: ..., - macro: ..., - list: ...)"));
  EXPECT_THAT(errors("just text\n"),
              ElementsAre("1:1: a rules file must be a YAML list of items (- rule: ..., - macro: ..., - list: ...)"));
  EXPECT_THAT(errors("- just text\n"),
              ElementsAre("1:3: each item must be a map (- rule: ..., - macro: ..., - list: ...)"));
  // Empty files, comments only, null items and several YAML documents are fine.
  ok("");
  ok("# nothing here\n");
  ok("-\n- list: a\n  items: [x]\n---\n- list: b\n  items: [a]\n");
}

TEST_F(RuleReaderTest, MissingAndMistypedKeys) {
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat\n  priority: INFO\n"),
              ElementsAre("1:3: rule has no 'output'"));
  EXPECT_THAT(errors("- macro: m\n"), ElementsAre("1:3: macro has no 'condition'"));
  EXPECT_THAT(errors("- list: l\n"), ElementsAre("1:3: list has no 'items'"));
  EXPECT_THAT(errors("- list: l\n  items: a\n"), ElementsAre("2:10: 'items' must be a list"));
  EXPECT_THAT(errors("- list: l\n  items: [[a]]\n"), ElementsAre("2:11: list items must be strings or numbers"));
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n  priority: INFO\n  tags: x\n"),
              ElementsAre("6:9: 'tags' must be a list"));
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n  priority: INFO\n  enabled: maybe\n"),
              ElementsAre("6:12: 'enabled' must be true or false"));
  EXPECT_THAT(errors("- rule: [r]\n  desc: d\n"), ElementsAre("1:9: 'rule' must be a string"));
  EXPECT_THAT(errors("- rule: r\n  enabled: false\n"),
              ElementsAre("1:3: rule 'r' has only 'enabled' but no earlier definition"));
  EXPECT_THAT(errors("- rule: r\n  tags: [a]\n"),
              ElementsAre("1:3: rule has no condition, output, desc or priority"));
}

TEST_F(RuleReaderTest, OneBadItemDoesNotHideTheNext) {
  auto errs = errors("- list: l\n  items: a\n- macro: m\n- rule: r\n  desc: d\n");
  EXPECT_EQ(errs.size(), 3u);
}

TEST_F(RuleReaderTest, EnabledFalseCompilesButNeverRuns) {
  auto rs = ok(R"(
- rule: off
  desc: d
  condition: evt.type = openat
  output: o
  priority: WARNING
  enabled: false
- rule: on
  desc: d
  condition: evt.type = openat
  output: o
  priority: WARNING
)");
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("on"));
  EXPECT_FALSE(testing::find_rule(*rs, "off")->enabled);
  EXPECT_EQ(rs->for_source("syscall")->enabled_rules(), 1u);
  // A disabled rule is still compiled: its mistakes are reported.
  EXPECT_THAT(errors("- rule: off\n  desc: d\n  condition: evt.type = openat and nope.field = 1\n"
                     "  output: o\n  priority: INFO\n  enabled: false\n"),
              ElementsAre("3:36: unknown field 'nope.field'"));
}

TEST_F(RuleReaderTest, EnabledOnlyItemTogglesAnEarlierRule) {
  auto rs = ok(R"(
- rule: r
  desc: d
  condition: evt.type = openat
  output: o
  priority: WARNING
  enabled: false
- rule: r
  enabled: true
)");
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("r"));
  EXPECT_NE(find_code(result.report, "deprecated-enabled", false), nullptr);
}

TEST_F(RuleReaderTest, RedefinitionReplacesInPlace) {
  auto rs = ok(R"(
- rule: a
  desc: first
  condition: evt.type = openat and proc.name = dog
  output: o
  priority: WARNING
- rule: b
  desc: d
  condition: evt.type = openat
  output: o
  priority: WARNING
- rule: a
  desc: second
  condition: evt.type = openat and proc.name = cat
  output: o
  priority: ERROR
- list: l
  items: [dog]
- list: l
  items: [cat]
- macro: m
  condition: proc.name = dog
- macro: m
  condition: proc.name in (l)
- rule: c
  desc: d
  condition: evt.type = openat and m
  output: o
  priority: WARNING
)");
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("a", "b", "c"));
  const auto& rules = rs->for_source("syscall")->rules();
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].name, "a");
  EXPECT_EQ(rules[0].desc, "second");
  EXPECT_EQ(rules[0].priority, Priority::kError);
}

TEST_F(RuleReaderTest, RedefinitionWithAnotherSourceIsAnError) {
  EXPECT_THAT(errors(R"(
- rule: r
  desc: d
  condition: evt.type = openat
  output: o
  priority: WARNING
- rule: r
  desc: d
  condition: ka.verb = create
  output: o
  priority: WARNING
  source: k8s_audit
)"),
              ElementsAre("7:3: rule 'r' is redefined with source 'k8s_audit' but was defined for 'syscall'"));
}

TEST_F(RuleReaderTest, RulesOfEachSource) {
  auto rs = ok(R"(
- rule: audit
  desc: d
  condition: ka.verb = create
  output: "%ka.user.name created %ka.target.resource"
  priority: WARNING
  source: k8s_audit
- rule: sys
  desc: d
  condition: evt.type = openat
  output: o
  priority: WARNING
- rule: aws
  desc: d
  condition: ct.name = x
  output: o
  priority: WARNING
  source: aws_cloudtrail
)");
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(rs->for_source("k8s_audit")->rules().size(), 1u);
  EXPECT_EQ(rs->for_source("syscall")->rules().size(), 1u);
  EXPECT_EQ(rs->rule_count(), 2u);
  EXPECT_THAT(messages(result.report, false), ElementsAre("13:3: unknown source 'aws_cloudtrail'; rule skipped"));
}

TEST_F(RuleReaderTest, TagsAreASortedSet) {
  auto rs = ok("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n  priority: INFO\n"
               "  tags: [z, a, m, a]\n");
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(testing::find_rule(*rs, "r")->tags, ElementsAre("a", "m", "z"));
}

}  // namespace
}  // namespace peregrine::engine

namespace peregrine::engine {
namespace {

// yaml-cpp 0.7 never returns on these (found by fuzzing); the reader refuses them up front.
TEST_F(RuleReaderTest, ContentOutsideTheTopLevelListIsRefusedBeforeParsing) {
  const std::string msg =
      "a rules file must be a YAML list of items (- rule: ..., - macro: ..., - list: ...)";
  EXPECT_THAT(errors("- list: a\n  items: [x]\n&p, a\n"), ElementsAre("3:1: " + msg));
  EXPECT_THAT(errors("--- !t, a\n"), ElementsAre("1:1: " + msg));
  EXPECT_THAT(errors("&p\n, a\n"), ElementsAre("1:1: " + msg));
  EXPECT_THAT(errors("    'a', b\n"), ElementsAre("1:1: " + msg));
  EXPECT_THAT(errors("# c\n\n- list: a\n  items: [x]\nb: c\n"), ElementsAre("5:1: " + msg));
}

}  // namespace
}  // namespace peregrine::engine
