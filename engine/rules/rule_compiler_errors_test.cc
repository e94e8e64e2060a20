// Golden tests of compile diagnostics: the file, line and column of a mistake inside a
// condition, whatever YAML style holds it, inside a macro a rule uses, or inside an output;
// plus the warnings (unused macros and lists, rules that run on every event) and the promise
// that a rule set never half-loads.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"

namespace peregrine::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::dump;
using testing::find_code;
using testing::messages;

class RuleCompilerErrorsTest : public ::testing::Test {
 protected:
  std::vector<std::string> errors(const std::string& text) {
    result = testing::load(engine, text);
    EXPECT_FALSE(result.report.ok()) << text;
    EXPECT_EQ(result.ruleset, nullptr);
    return messages(result.report);
  }
  std::vector<std::string> warnings(const std::string& text) {
    result = testing::load(engine, text);
    EXPECT_TRUE(result.report.ok()) << dump(result.report);
    return messages(result.report, false);
  }

  Engine engine{"test-host"};
  LoadResult result;
};

TEST_F(RuleCompilerErrorsTest, FoldedCondition) {
  EXPECT_THAT(errors(R"(- rule: folded
  desc: d
  condition: >
    evt.type = openat
    and proc.name = cat
    and fd.nmae = x
  output: o
  priority: INFO
)"),
              ElementsAre("6:9: unknown field 'fd.nmae', did you mean 'fd.name'?"));
  const Diagnostic& d = result.report.files[0].errors[0];
  EXPECT_EQ(d.code, "condition-compile");
  EXPECT_EQ(d.item, "rule 'folded'");
  EXPECT_EQ(d.to_string(), "rules.yaml:6:9: rule 'folded': unknown field 'fd.nmae', did you mean 'fd.name'?");
}

TEST_F(RuleCompilerErrorsTest, FoldedConditionSyntaxError) {
  EXPECT_THAT(errors(R"(- rule: r
  desc: d
  condition: >-
    evt.type = openat and
      (proc.name = cat or
       proc.name = "dog)
  output: o
  priority: INFO
)"),
              ElementsAre("6:20: unterminated quoted string"));
  EXPECT_EQ(result.report.files[0].errors[0].code, "condition-syntax");
  EXPECT_THAT(errors(R"(- rule: r
  desc: d
  condition: >
    evt.type = openat and
      (proc.name = cat or
       proc.name = dog
  output: o
  priority: INFO
)"),
              ElementsAre("5:7: expected ')' to close the '(' opened here"));
}

TEST_F(RuleCompilerErrorsTest, ErrorInsideAMacroPointsAtTheMacro) {
  EXPECT_THAT(errors(R"(- macro: m
  condition: >
    proc.name = cat and
      (fd.num > 0 or
       fd.sport = http)
- rule: r
  desc: d
  condition: evt.type = openat and m
  output: o
  priority: INFO
)"),
              ElementsAre("5:19: 'http' is not a number, but 'fd.sport' is a port field (in macro 'm')"));
  const Diagnostic& d = result.report.files[0].errors[0];
  EXPECT_EQ(d.item, "rule 'r'");
  // Nested macros: the innermost one holds the mistake.
  EXPECT_THAT(errors(R"(- macro: outer
  condition: inner and evt.type = openat
- macro: inner
  condition: proc.name =cat and proc.nam=x
- rule: r
  desc: d
  condition: outer
  output: o
  priority: INFO
)"),
              ElementsAre("4:33: unknown field 'proc.nam', did you mean 'proc.name'? (in macro 'inner')"));
}

TEST_F(RuleCompilerErrorsTest, MacroSyntaxErrorEvenWhenUnused) {
  EXPECT_THAT(errors("- macro: m\n  condition: proc.name = cat and\n"),
              ElementsAre("2:33: expected a condition, found end of condition"));
  EXPECT_EQ(result.report.files[0].errors[0].item, "macro 'm'");
}

TEST_F(RuleCompilerErrorsTest, EveryScalarStyle) {
  // Literal block.
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: |\n    evt.type = openat\n    and fd.nmae = x\n"
                     "  output: o\n  priority: INFO\n"),
              ElementsAre("5:9: unknown field 'fd.nmae', did you mean 'fd.name'?"));
  // Plain scalar over several lines.
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat\n    and fd.nmae = x\n"
                     "  output: o\n  priority: INFO\n"),
              ElementsAre("4:9: unknown field 'fd.nmae', did you mean 'fd.name'?"));
  // Double-quoted, with escapes before the mistake.
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: \"proc.name = \\\"a b\\\" and fd.nmae = x\"\n"
                     "  output: o\n  priority: INFO\n"),
              ElementsAre("3:39: unknown field 'fd.nmae', did you mean 'fd.name'?"));
  // Single-quoted.
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: 'evt.type = openat and fd.nmae = x'\n"
                     "  output: o\n  priority: INFO\n"),
              ElementsAre("3:37: unknown field 'fd.nmae', did you mean 'fd.name'?"));
  // Flow style item.
  EXPECT_THAT(errors("- {rule: r, desc: d, condition: evt.type = openat and fd.nmae = x, output: o, priority: INFO}\n"),
              ElementsAre("1:55: unknown field 'fd.nmae', did you mean 'fd.name'?"));
}

TEST_F(RuleCompilerErrorsTest, OperandAndOperatorErrorsPointAtTheirText) {
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat and fd.num >= abc\n  output: o\n  priority: INFO\n"),
              ElementsAre("3:46: 'abc' is not a number, but 'fd.num' is an int64 field"));
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat and fd.num contains 3\n  output: o\n  priority: INFO\n"),
              ElementsAre("3:43: operator 'contains' does not apply to 'fd.num', an int64 field"));
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = opnat\n  output: o\n  priority: INFO\n"),
              ElementsAre("3:25: unknown event type 'opnat'"));
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat and undefined_macro\n  output: o\n  priority: INFO\n"),
              ElementsAre("3:36: undefined macro 'undefined_macro'"));
  EXPECT_THAT(errors("- macro: is_cat\n  condition: proc.name = cat\n- rule: r\n  desc: d\n"
                     "  condition: evt.type = openat and is_dog\n  output: o\n  priority: INFO\n"),
              ElementsAre("5:36: undefined macro 'is_dog'"));
  EXPECT_THAT(errors("- list: my_list\n  items: [a]\n- rule: r\n  desc: d\n"
                     "  condition: evt.type = openat and proc.name in my_lsit\n  output: o\n  priority: INFO\n"),
              ElementsAre("5:49: 'my_lsit' is not a defined list, did you mean 'my_list'?"));
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat and proc.aname[x] = a\n  output: o\n  priority: INFO\n"),
              ElementsAre("3:36: field 'proc.aname' needs a numeric index, not 'x'"));
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat and proc.name[1] = a\n  output: o\n  priority: INFO\n"),
              ElementsAre("3:36: field 'proc.name' does not take an argument"));
}

TEST_F(RuleCompilerErrorsTest, OutputErrors) {
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: \"File %fd.nam opened\"\n  priority: INFO\n"),
              ElementsAre("4:18: unknown field 'fd.nam', did you mean 'fd.num'?"));
  EXPECT_EQ(result.report.files[0].errors[0].code, "output-field");
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: >\n    File %fd.name\n"
                     "    by %(proc.name\n  priority: INFO\n"),
              ElementsAre("6:8: '%(' is not closed"));
}

TEST_F(RuleCompilerErrorsTest, OneErrorPerBrokenRule) {
  auto errs = errors(R"(- rule: a
  desc: d
  condition: evt.type = openat and x.y = 1
  output: o
  priority: INFO
- rule: b
  desc: d
  condition: evt.type = openat and
  output: o
  priority: INFO
- rule: c
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
)");
  EXPECT_THAT(errs, ElementsAre("3:36: unknown field 'x.y'", "8:35: expected a condition, found end of condition"));
}

TEST_F(RuleCompilerErrorsTest, UnusedMacrosAndLists) {
  EXPECT_THAT(warnings(R"(- list: used_list
  items: [cat]
- list: unused_list
  items: [x]
- list: only_in_unused_macro
  items: [y]
- list: only_in_another_list
  items: [z]
- list: outer_list
  items: [only_in_another_list]
- macro: used_macro
  condition: proc.name in (used_list, outer_list)
- macro: unused_macro
  condition: proc.name in (only_in_unused_macro) or only_in_unused_macro_too
- macro: only_in_unused_macro_too
  condition: proc.name = x
- rule: r
  desc: d
  condition: evt.type = openat and used_macro
  output: o
  priority: INFO
)"),
              ElementsAre("13:3: macro 'unused_macro' is not used by any rule or macro",
                          "3:3: list 'unused_list' is not used by any rule, macro or list"));
  EXPECT_EQ(find_code(result.report, "unused-macro", false)->item, "macro 'unused_macro'");
}

TEST_F(RuleCompilerErrorsTest, RulesThatRunOnEveryEvent) {
  EXPECT_THAT(warnings("- rule: r\n  desc: d\n  condition: proc.name = cat\n  output: o\n  priority: INFO\n"),
              ElementsAre("3:14: condition does not restrict evt.type to a few event types, so the rule runs "
                          "on (nearly) every event; add e.g. 'evt.type in (...)' or set warn_evttypes: false"));
  EXPECT_THAT(warnings("- rule: r\n  desc: d\n  condition: evt.type = openat or proc.name = cat\n  output: o\n  priority: INFO\n"),
              ElementsAre(::testing::HasSubstr("does not restrict evt.type")));
  EXPECT_THAT(warnings("- rule: r\n  desc: d\n  condition: proc.name = cat\n  output: o\n  priority: INFO\n"
                       "  warn_evttypes: false\n"),
              IsEmpty());
  // As in Falco, more than 100 types is as good as all: `evt.type != openat` warns too.
  EXPECT_THAT(warnings("- rule: r\n  desc: d\n  condition: evt.type != openat\n  output: o\n  priority: INFO\n"),
              ElementsAre(::testing::HasSubstr("does not restrict evt.type")));
  EXPECT_THAT(warnings("- rule: r\n  desc: d\n  condition: evt.type in (open, openat, openat2)\n  output: o\n"
                       "  priority: INFO\n"),
              IsEmpty());
  // k8s_audit has no event types: nothing to warn about.
  EXPECT_THAT(warnings("- rule: r\n  desc: d\n  condition: ka.verb = create\n  output: o\n  priority: INFO\n"
                       "  source: k8s_audit\n"),
              IsEmpty());
}

TEST_F(RuleCompilerErrorsTest, SkipIfUnknownFilter) {
  auto w = warnings(R"(- rule: future
  desc: d
  condition: evt.type = openat and proc.future_field = x
  output: o
  priority: INFO
  skip-if-unknown-filter: true
- rule: now
  desc: d
  condition: evt.type = openat
  output: o
  priority: INFO
)");
  EXPECT_THAT(w, ElementsAre("3:36: unknown field 'proc.future_field'; rule skipped (skip-if-unknown-filter)"));
  ASSERT_NE(result.ruleset, nullptr);
  EXPECT_EQ(testing::find_rule(*result.ruleset, "future"), nullptr);
  EXPECT_NE(testing::find_rule(*result.ruleset, "now"), nullptr);
  // Only unknown fields (and event types) are skipped; other mistakes stay errors.
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat and fd.num = x\n  output: o\n"
                     "  priority: INFO\n  skip-if-unknown-filter: true\n"),
              ElementsAre("3:45: 'x' is not a number, but 'fd.num' is an int64 field"));
  EXPECT_THAT(errors("- rule: r\n  desc: d\n  condition: evt.type = openat and proc.future_field = x\n  output: o\n"
                     "  priority: INFO\n"),
              ElementsAre("3:36: unknown field 'proc.future_field'"));
}

TEST_F(RuleCompilerErrorsTest, NeverHalfLoads) {
  result = testing::load(engine, {{"good.yaml", "- rule: ok\n  desc: d\n  condition: evt.type = openat\n"
                                                "  output: o\n  priority: INFO\n"},
                                  {"bad.yaml", "- rule: broken\n  desc: d\n  condition: evt.type = openat and\n"
                                               "  output: o\n  priority: INFO\n"}});
  EXPECT_FALSE(result.report.ok());
  EXPECT_EQ(result.ruleset, nullptr);
  ASSERT_EQ(result.report.files.size(), 2u);
  EXPECT_THAT(result.report.files[0].errors, IsEmpty());
  ASSERT_EQ(result.report.files[1].errors.size(), 1u);
  EXPECT_EQ(result.report.files[1].errors[0].file, "bad.yaml");
  EXPECT_EQ(result.report.error_count(), 1u);
  // Reading and compiling mistakes are reported together.
  result = testing::load(engine, {{"a.yaml", "- list: l\n  items: x\n"},
                                  {"b.yaml", "- rule: r\n  desc: d\n  condition: nope.x = 1\n  output: o\n  priority: INFO\n"}});
  EXPECT_EQ(result.report.error_count(), 2u);
  EXPECT_EQ(result.ruleset, nullptr);
}

TEST_F(RuleCompilerErrorsTest, ErrorsInAppendsBelongToTheirFile) {
  result = testing::load(engine, {{"base.yaml", "- macro: m\n  condition: proc.name = cat\n- rule: r\n  desc: d\n"
                                                "  condition: evt.type = openat and m\n  output: o\n  priority: INFO\n"},
                                  {"local.yaml", "- macro: m\n  condition: or fd.nmae = x\n  override:\n"
                                                 "    condition: append\n"}});
  ASSERT_EQ(result.report.error_count(), 1u) << dump(result.report);
  ASSERT_EQ(result.report.files[1].errors.size(), 1u);
  const Diagnostic& d = result.report.files[1].errors[0];
  EXPECT_EQ(d.to_string(),
            "local.yaml:2:17: rule 'r': unknown field 'fd.nmae', did you mean 'fd.name'? (in macro 'm')");
}

}  // namespace
}  // namespace peregrine::engine
