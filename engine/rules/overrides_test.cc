// Refining earlier definitions: `append: true` for lists, macros and rules (and what it may
// not do), `override:` with append/replace for every key that allows it, the errors for keys
// that do not, and several files where later ones refine earlier ones.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"

namespace peregrine::engine {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using testing::dump;
using testing::find_code;
using testing::find_rule;
using testing::fired;
using testing::messages;
using testing::SyscallScene;

// A rule that does not match the scene (proc.name is cat) until refined.
constexpr const char* kBase = R"(
- list: names
  items: [dog]
- macro: is_named
  condition: proc.name in (names)
- rule: r
  desc: first
  condition: evt.type = openat and proc.name = dog
  output: "out %proc.name"
  priority: WARNING
  tags: [b, a]
)";

class OverridesTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Ruleset> ok(const std::string& refinement) {
    result = testing::load(engine, kBase + refinement);
    EXPECT_TRUE(result.report.ok()) << dump(result.report);
    return result.ruleset;
  }
  std::vector<std::string> errors(const std::string& refinement) {
    result = testing::load(engine, kBase + refinement);
    EXPECT_FALSE(result.report.ok());
    EXPECT_EQ(result.ruleset, nullptr);
    return messages(result.report);
  }
  std::vector<std::string> warnings() { return messages(result.report, false); }
  std::vector<std::string> fires(const std::shared_ptr<const Ruleset>& rs) {
    return rs ? fired(*rs, s.event) : std::vector<std::string>{"<no ruleset>"};
  }

  Engine engine{"test-host"};
  LoadResult result;
  SyscallScene s;
};

TEST_F(OverridesTest, AppendTrueList) {
  auto rs = ok(R"(
- list: names
  items: [cat]
  append: true
- rule: r2
  desc: d
  condition: evt.type = openat and is_named
  output: o
  priority: INFO
)");
  EXPECT_THAT(fires(rs), ElementsAre("r2"));
  EXPECT_THAT(warnings(), ElementsAre("15:11: 'append: true' is deprecated; use 'override: {items: append}'"));
  EXPECT_THAT(errors("- list: other\n  items: [x]\n  append: true\n"),
              ElementsAre("12:3: list 'other' has no earlier definition to append to"));
}

TEST_F(OverridesTest, AppendTrueMacro) {
  auto rs = ok(R"(
- macro: is_named
  condition: or proc.name = cat
  append: true
- rule: r2
  desc: d
  condition: evt.type = openat and (is_named)
  output: o
  priority: INFO
)");
  EXPECT_THAT(fires(rs), ElementsAre("r2"));
  EXPECT_THAT(errors("- macro: other\n  condition: x\n  append: true\n"),
              ElementsAre("12:3: macro 'other' has no earlier definition to append to"));
}

TEST_F(OverridesTest, AppendTrueRule) {
  auto rs = ok(R"(
- rule: r
  condition: or proc.name = cat
  append: true
)");
  // `a and b or c` after appending: the appended text joins the condition as written.
  EXPECT_THAT(fires(rs), ElementsAre("r"));
  EXPECT_THAT(warnings(),
              Contains("15:11: 'append: true' is deprecated; use 'override:' with 'append' per key"));
  // `... and proc.name = dog or proc.name = cat` no longer restricts the event type.
  EXPECT_NE(find_code(result.report, "no-event-type", false), nullptr);
}

TEST_F(OverridesTest, AppendTrueRuleRestrictions) {
  EXPECT_THAT(errors("- rule: r\n  output: more\n  append: true\n"),
              ElementsAre("13:11: 'append: true' can only extend condition and exceptions; use 'override:' for 'output'"));
  EXPECT_THAT(errors("- rule: r\n  priority: ERROR\n  append: true\n"),
              ElementsAre("13:13: 'append: true' can only extend condition and exceptions; use 'override:' for 'priority'"));
  EXPECT_THAT(errors("- rule: nope\n  condition: and x\n  append: true\n"),
              ElementsAre("12:3: rule 'nope' has no earlier definition to append to"));
  EXPECT_THAT(errors("- rule: r\n  append: true\n"),
              ElementsAre("12:3: 'append: true' needs a condition or exceptions to append"));
  EXPECT_THAT(errors("- rule: r\n  condition: and x\n  append: true\n  override:\n    condition: append\n"),
              ElementsAre("14:11: 'append' and 'override' cannot be used together"));
  EXPECT_THAT(errors("- list: names\n  items: [x]\n  append: true\n  override:\n    items: append\n"),
              ElementsAre("14:11: 'append' and 'override' cannot be used together"));
}

TEST_F(OverridesTest, OverrideListItems) {
  auto rs = ok(R"(
- list: names
  items: [cat]
  override:
    items: append
- rule: r2
  desc: d
  condition: evt.type = openat and proc.name in (names) and proc.name in (dog, cat)
  output: o
  priority: INFO
)");
  EXPECT_THAT(fires(rs), ElementsAre("r2"));
  rs = ok(R"(
- list: names
  items: [cat]
  override:
    items: replace
- rule: r2
  desc: d
  condition: evt.type = openat and proc.name in (names) and not proc.name in (dog)
  output: o
  priority: INFO
)");
  EXPECT_THAT(fires(rs), ElementsAre("r2"));
  EXPECT_EQ(find_code(result.report, "deprecated-append", false), nullptr);
}

TEST_F(OverridesTest, OverrideMacroCondition) {
  auto rs = ok(R"(
- macro: is_named
  condition: or proc.name = cat
  override:
    condition: append
- rule: r2
  desc: d
  condition: evt.type = openat and (is_named)
  output: o
  priority: INFO
)");
  EXPECT_THAT(fires(rs), ElementsAre("r2"));
  rs = ok(R"(
- macro: is_named
  condition: proc.name = cat
  override:
    condition: replace
- rule: r2
  desc: d
  condition: evt.type = openat and is_named
  output: o
  priority: INFO
)");
  EXPECT_THAT(fires(rs), ElementsAre("r2"));
}

TEST_F(OverridesTest, OverrideRuleAppendEveryKey) {
  auto rs = ok(R"(
- rule: r
  condition: or proc.name = cat
  output: "and %fd.name"
  desc: second
  tags: [c, a]
  override:
    condition: append
    output: append
    desc: append
    tags: append
)");
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fires(rs), ElementsAre("r"));
  const CompiledRule* r = find_rule(*rs, "r");
  EXPECT_EQ(r->desc, "first second");
  EXPECT_THAT(r->tags, ElementsAre("a", "b", "c"));
  EXPECT_EQ(r->priority, Priority::kWarning);
  auto ctx = rs->for_source("syscall")->new_context();
  ctx->begin(s.event);
  EXPECT_EQ(r->output.render(*ctx), "out cat and /etc/shadow");
}

TEST_F(OverridesTest, OverrideRuleReplaceEveryKey) {
  auto rs = ok(R"(
- rule: r
  condition: evt.type = openat and proc.name = cat
  output: "now %fd.name"
  desc: second
  priority: critical
  tags: [z]
  enabled: true
  warn_evttypes: false
  skip-if-unknown-filter: true
  override:
    condition: replace
    output: replace
    desc: replace
    priority: replace
    tags: replace
    enabled: replace
    warn_evttypes: replace
    skip-if-unknown-filter: replace
)");
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fires(rs), ElementsAre("r"));
  const CompiledRule* r = find_rule(*rs, "r");
  EXPECT_EQ(r->desc, "second");
  EXPECT_THAT(r->tags, ElementsAre("z"));
  EXPECT_EQ(r->priority, Priority::kCritical);
  auto ctx = rs->for_source("syscall")->new_context();
  ctx->begin(s.event);
  EXPECT_EQ(r->output.render(*ctx), "now /etc/shadow");
}

TEST_F(OverridesTest, OverrideEnabledAlone) {
  auto rs = ok(R"(
- rule: r
  enabled: false
  override:
    enabled: replace
)");
  ASSERT_NE(rs, nullptr);
  EXPECT_FALSE(find_rule(*rs, "r")->enabled);
  EXPECT_EQ(find_code(result.report, "deprecated-enabled", false), nullptr);
}

TEST_F(OverridesTest, OverrideMistakes) {
  EXPECT_THAT(errors("- rule: r\n  priority: ERROR\n  override:\n    priority: append\n"),
              ElementsAre("15:15: key 'priority' cannot be appended to, use 'replace' instead"));
  EXPECT_THAT(errors("- rule: r\n  enabled: false\n  override:\n    enabled: append\n"),
              ElementsAre("15:14: key 'enabled' cannot be appended to, use 'replace' instead"));
  EXPECT_THAT(errors("- rule: r\n  source: k8s_audit\n  override:\n    source: replace\n"),
              ElementsAre("15:5: key 'source' cannot be overridden"));
  EXPECT_THAT(errors("- rule: r\n  condition: x\n  override:\n    conditon: append\n"),
              ElementsAre("15:5: key 'conditon' cannot be overridden, did you mean 'condition'?"));
  EXPECT_THAT(errors("- rule: r\n  condition: x\n  override:\n    condition: merge\n"),
              ElementsAre("15:16: override of 'condition' must be 'append' or 'replace'"));
  EXPECT_THAT(errors("- rule: r\n  condition: x\n  override: [condition]\n"),
              ElementsAre("14:13: 'override' must map keys to 'append' or 'replace'"));
  EXPECT_THAT(errors("- macro: is_named\n  condition: x\n  override:\n    items: append\n"),
              ElementsAre("15:5: key 'items' cannot be overridden"));
  EXPECT_THAT(errors("- rule: nope\n  condition: x\n  override:\n    condition: append\n"),
              ElementsAre("12:3: rule 'nope' has no earlier definition to override"));
  EXPECT_THAT(errors("- list: nope\n  items: [x]\n  override:\n    items: append\n"),
              ElementsAre("12:3: list 'nope' has no earlier definition to append to"));
}

TEST_F(OverridesTest, EveryKeyNeedsAnOverrideEntry) {
  EXPECT_THAT(errors("- rule: r\n  condition: or x\n  output: more\n  override:\n    condition: append\n"),
              ElementsAre("14:3: key 'output' has no entry under 'override' saying whether to append or replace it"));
  EXPECT_THAT(errors("- rule: r\n  condition: or x\n  override:\n    condition: append\n    output: replace\n"),
              ElementsAre("16:5: 'override' names 'output' but the item has no 'output' key"));
}

TEST_F(OverridesTest, AppendAndReplaceInOneItem) {
  auto rs = ok(R"(
- rule: r
  condition: or proc.name = cat
  priority: debug
  override:
    condition: append
    priority: replace
)");
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fires(rs), ElementsAre("r"));
  EXPECT_EQ(find_rule(*rs, "r")->priority, Priority::kDebug);
}

TEST_F(OverridesTest, LaterFilesRefineEarlierOnes) {
  result = testing::load(engine, {{"base.yaml", kBase},
                                  {"local.yaml", R"(
- list: names
  items: [cat]
  override:
    items: append
- rule: r
  condition: evt.type = openat and is_named
  priority: ERROR
  override:
    condition: replace
    priority: replace
- rule: r
  enabled: false
)"},
                                  {"local2.yaml", R"(
- rule: r
  enabled: true
  override:
    enabled: replace
)"}});
  ASSERT_TRUE(result.report.ok()) << dump(result.report);
  ASSERT_EQ(result.report.files.size(), 3u);
  EXPECT_THAT(fires(result.ruleset), ElementsAre("r"));
  EXPECT_EQ(find_rule(*result.ruleset, "r")->priority, Priority::kError);
  // Warnings name the file they are about.
  ASSERT_EQ(result.report.files[1].warnings.size(), 1u);
  EXPECT_EQ(result.report.files[1].warnings[0].file, "local.yaml");
  EXPECT_EQ(result.report.files[1].warnings[0].code, "deprecated-enabled");
}

TEST_F(OverridesTest, ErrorInAppendedConditionPointsAtTheAppendedText) {
  auto errs = errors(R"(
- rule: r
  condition: and nope.field = 1
  override:
    condition: append
)");
  EXPECT_THAT(errs, ElementsAre("14:18: unknown field 'nope.field'"));
  errs = errors(R"(
- macro: is_named
  condition: or proc.nme = x
  append: true
- rule: r2
  desc: d
  condition: evt.type = openat and is_named
  output: o
  priority: INFO
)");
  EXPECT_THAT(errs, ElementsAre("14:17: unknown field 'proc.nme', did you mean 'proc.name'? (in macro 'is_named')"));
  errs = errors(R"(
- rule: r
  condition: and (proc.name = x
  append: true
)");
  EXPECT_THAT(errs, ElementsAre("14:18: expected ')' to close the '(' opened here"));
  errs = errors(R"(
- rule: r
  output: "%proc.nme"
  override:
    output: append
)");
  EXPECT_THAT(errs, ElementsAre("14:13: unknown field 'proc.nme', did you mean 'proc.name'?"));
}

}  // namespace
}  // namespace peregrine::engine
