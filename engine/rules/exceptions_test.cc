// Rule exceptions: the single-field and tuple forms, default comparison operators, values that
// are lists or name lists, appending values, the condition text they become (as Falco builds
// it), and every mistake the loader reports about them.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"
#include "engine/rules/exception_condition.h"

namespace peregrine::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::dump;
using testing::fired;
using testing::messages;
using testing::SyscallScene;

// `cat /etc/shadow` opens; every test adds exceptions to this rule.
std::string rule_with(const std::string& exceptions) {
  return R"(
- list: cats
  items: [cat, lion]
- rule: r
  desc: d
  condition: evt.type = openat
  output: o
  priority: WARNING
  exceptions:
)" + exceptions;
}

class ExceptionsTest : public ::testing::Test {
 protected:
  // Whether rule `r` still fires on the scene once `exceptions` are added.
  bool fires(const std::string& exceptions, const std::string& more = "") {
    result = testing::load(engine, rule_with(exceptions) + more);
    EXPECT_TRUE(result.report.ok()) << dump(result.report);
    if (!result.ruleset) return false;
    return !fired(*result.ruleset, s.event).empty();
  }
  std::vector<std::string> errors(const std::string& exceptions, const std::string& more = "") {
    result = testing::load(engine, rule_with(exceptions) + more);
    EXPECT_FALSE(result.report.ok());
    EXPECT_EQ(result.ruleset, nullptr);
    return messages(result.report);
  }

  Engine engine{"test-host"};
  LoadResult result;
  SyscallScene s;
};

TEST_F(ExceptionsTest, SingleFieldDefaultsToIn) {
  EXPECT_FALSE(fires("    - name: known\n      fields: proc.name\n      values: [dog, cat]\n"));
  EXPECT_TRUE(fires("    - name: known\n      fields: proc.name\n      values: [dog]\n"));
  EXPECT_FALSE(fires("    - name: known\n      fields: proc.name\n      comps: in\n      values: [cat]\n"));
}

TEST_F(ExceptionsTest, SingleFieldPmatchAndIntersects) {
  EXPECT_FALSE(fires("    - name: etc\n      fields: fd.name\n      comps: pmatch\n      values: [/usr, /etc]\n"));
  EXPECT_TRUE(fires("    - name: etc\n      fields: fd.name\n      comps: pmatch\n      values: [/et]\n"));
  EXPECT_FALSE(fires("    - name: any\n      fields: proc.aname\n      comps: intersects\n      values: [bash]\n"));
  EXPECT_TRUE(fires("    - name: any\n      fields: proc.aname\n      comps: intersects\n      values: [sshd]\n"));
}

TEST_F(ExceptionsTest, SingleFieldValuesMayNameLists) {
  EXPECT_FALSE(fires("    - name: known\n      fields: proc.name\n      values: [cats]\n"));
  EXPECT_THAT(messages(result.report, false), IsEmpty());  // the list counts as used
  EXPECT_TRUE(fires("    - name: known\n      fields: proc.name\n      values: ['\"cats\"']\n"));
}

TEST_F(ExceptionsTest, Tuples) {
  const char* both = R"(    - name: proc_file
      fields: [proc.name, fd.name]
      comps: [=, startswith]
      values:
        - [dog, /etc]
        - [cat, /etc/]
)";
  EXPECT_FALSE(fires(both));
  const char* neither = R"(    - name: proc_file
      fields: [proc.name, fd.name]
      comps: [=, startswith]
      values:
        - [cat, /usr]
        - [dog, /etc]
)";
  EXPECT_TRUE(fires(neither));
}

TEST_F(ExceptionsTest, TupleCompsDefaultToEquals) {
  EXPECT_FALSE(fires("    - name: e\n      fields: [proc.name, fd.name]\n      values: [[cat, /etc/shadow]]\n"));
  EXPECT_TRUE(fires("    - name: e\n      fields: [proc.name, fd.name]\n      values: [[cat, /etc]]\n"));
}

TEST_F(ExceptionsTest, TupleValuesAsListsAndListNames) {
  EXPECT_FALSE(fires("    - name: e\n      fields: [proc.name, fd.name]\n      comps: [in, pmatch]\n"
                     "      values: [[[dog, cat], [/etc]]]\n"));
  EXPECT_FALSE(fires("    - name: e\n      fields: [proc.name, fd.name]\n      comps: [in, =]\n"
                     "      values: [[cats, /etc/shadow]]\n"));
  EXPECT_TRUE(fires("    - name: e\n      fields: [proc.name, fd.name]\n      comps: [in, =]\n"
                    "      values: [[cats, /etc/passwd]]\n"));
}

TEST_F(ExceptionsTest, OtherOperatorsInTuples) {
  EXPECT_FALSE(fires("    - name: e\n      fields: [proc.cmdline, fd.num]\n      comps: [contains, '<']\n"
                     "      values: [[shadow, 10]]\n"));
  EXPECT_TRUE(fires("    - name: e\n      fields: [proc.cmdline, fd.num]\n      comps: [contains, '>']\n"
                    "      values: [[shadow, 10]]\n"));
  EXPECT_FALSE(fires("    - name: e\n      fields: [fd.name]\n      comps: [glob]\n      values: [['/etc/*']]\n"));
  EXPECT_FALSE(fires("    - name: e\n      fields: [proc.name]\n      comps: ['!=']\n      values: [[dog]]\n"));
  EXPECT_TRUE(fires("    - name: e\n      fields: [proc.name]\n      comps: ['!=']\n      values: [[cat]]\n"));
}

TEST_F(ExceptionsTest, ValuesWithBlanksAndQuotes) {
  EXPECT_FALSE(fires("    - name: e\n      fields: [proc.cmdline]\n      values: [[cat /etc/shadow]]\n"));
  EXPECT_FALSE(fires("    - name: e\n      fields: proc.cmdline\n      values: [cat /etc/shadow]\n"));
  s.cat.args = {"say \"hi\"", "C:\\x"};
  EXPECT_FALSE(fires("    - name: e\n      fields: [proc.cmdline]\n      values: [['cat say \"hi\" C:\\x']]\n"));
}

TEST_F(ExceptionsTest, NoValuesExcludesNothing) {
  EXPECT_TRUE(fires("    - name: later\n      fields: [proc.name]\n"));
  EXPECT_TRUE(fires("    - name: later\n      fields: proc.name\n      values: []\n"));
}

TEST_F(ExceptionsTest, AppendingValues) {
  const char* ex = "    - name: known\n      fields: [proc.name]\n      values: [[dog]]\n";
  EXPECT_FALSE(fires(ex, R"(
- rule: r
  exceptions:
    - name: known
      values: [[cat]]
  append: true
)"));
  EXPECT_FALSE(fires(ex, R"(
- rule: r
  exceptions:
    - name: known
      values: [[cat]]
  override:
    exceptions: append
)"));
  // A new exception can be appended with its fields and values.
  EXPECT_FALSE(fires(ex, R"(
- rule: r
  exceptions:
    - name: by_file
      fields: fd.name
      values: [/etc/shadow]
  override:
    exceptions: append
)"));
  // Replacing drops the earlier exceptions.
  EXPECT_TRUE(fires("    - name: known\n      fields: [proc.name]\n      values: [[cat]]\n", R"(
- rule: r
  exceptions:
    - name: other
      fields: [proc.name]
      values: [[dog]]
  override:
    exceptions: replace
)"));
}

TEST_F(ExceptionsTest, AppendingMistakes) {
  const char* ex = "    - name: known\n      fields: [proc.name]\n      values: [[dog]]\n";
  EXPECT_THAT(errors(ex, "- rule: r\n  exceptions:\n    - name: known\n      fields: [fd.name]\n"
                         "      values: [[x]]\n  append: true\n"),
              ElementsAre("15:7: exception 'known' exists already: only its values can be appended, not "
                          "fields or comps"));
  EXPECT_THAT(errors(ex, "- rule: r\n  exceptions:\n    - name: fresh\n      fields: [fd.name]\n  append: true\n"),
              ElementsAre("15:7: new exception 'fresh' needs 'values'"));
}

TEST_F(ExceptionsTest, AppendedValuesOfTheWrongShapeAreReportedWhereTheyAre) {
  auto r = testing::load(engine, {{"base.yaml", rule_with("    - name: img\n      fields: proc.name\n")},
                                  {"local.yaml",
                                   "- rule: r\n  exceptions:\n    - name: img\n      values: [[nginx]]\n"
                                   "  override:\n    exceptions: append\n"}});
  ASSERT_EQ(r.report.files.size(), 2u);
  EXPECT_THAT(r.report.files[0].errors, IsEmpty());
  ASSERT_EQ(r.report.files[1].errors.size(), 1u);
  const Diagnostic& d = r.report.files[1].errors[0];
  EXPECT_EQ(d.file, "local.yaml");
  EXPECT_EQ(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message,
            "3:7: exception 'img': with a single field, values must be a list of strings");

  auto tuple = testing::load(
      engine, {{"base.yaml", rule_with("    - name: t\n      fields: [proc.name, fd.name]\n")},
               {"local.yaml", "- rule: r\n  exceptions:\n    - name: t\n      values: [[cat]]\n"
                              "  override:\n    exceptions: append\n"}});
  ASSERT_EQ(tuple.report.files[1].errors.size(), 1u);
  EXPECT_EQ(tuple.report.files[1].errors[0].message,
            "exception 't': each value must be a list with one entry per field (2)");
}

TEST_F(ExceptionsTest, NamesAreUniquePerItem) {
  EXPECT_THAT(errors("    - name: e\n      fields: proc.name\n    - name: e\n      fields: fd.name\n"),
              ElementsAre("12:13: exception name 'e' is used twice in this item"));
}

TEST_F(ExceptionsTest, AppendingNoValuesWarns) {
  fires("    - name: known\n      fields: [proc.name]\n      values: [[dog]]\n",
        "- rule: r\n  exceptions:\n    - name: known\n  override:\n    exceptions: append\n");
  EXPECT_THAT(messages(result.report, false),
              ::testing::Contains("15:7: appending to exception 'known' with no values changes nothing"));
}

TEST_F(ExceptionsTest, ShapeMistakes) {
  EXPECT_THAT(errors("    - name: e\n      fields: [proc.name, fd.name]\n      comps: [=]\n      values: []\n"),
              ElementsAre("10:7: exception 'e': fields and comps lists must have equal length"));
  EXPECT_THAT(errors("    - name: e\n      fields: [proc.name]\n      comps: [like]\n      values: []\n"),
              ElementsAre("10:7: exception 'e': 'like' is not a supported comparison operator"));
  EXPECT_THAT(errors("    - name: e\n      fields: proc.name\n      comps: =\n      values: [cat]\n"),
              ElementsAre("10:7: exception 'e': with a single field, comps must be one of in, pmatch, intersects"));
  EXPECT_THAT(errors("    - name: e\n      fields: proc.name\n      comps: [in]\n"),
              ElementsAre("10:7: exception 'e': fields and comps must both be strings or both lists"));
  EXPECT_THAT(errors("    - name: e\n      values: [cat]\n"), ElementsAre("10:7: exception 'e' has no 'fields'"));
  EXPECT_THAT(errors("    - fields: proc.name\n"), ElementsAre("10:7: exception has no 'name'"));
  EXPECT_THAT(errors("    - just a string\n"), ElementsAre("10:7: each exception must be a map with a name"));
  EXPECT_THAT(errors("    name: e\n"), ElementsAre("10:5: 'exceptions' must be a list"));
  EXPECT_THAT(errors("    - name: e\n      fields: proc.name\n      values: cat\n"),
              ElementsAre("12:15: exception 'values' must be a list"));
  EXPECT_THAT(errors("    - name: e\n      fields: {a: b}\n"),
              ElementsAre("11:15: exception fields, comps and values must be strings or lists"));
}

TEST_F(ExceptionsTest, ValueMistakes) {
  EXPECT_THAT(errors("    - name: e\n      fields: [proc.name, fd.name]\n      values: [[cat]]\n"),
              ElementsAre("10:7: exception 'e': each value must be a list with one entry per field (2)"));
  EXPECT_THAT(errors("    - name: e\n      fields: [proc.name, fd.name]\n      values: [cat]\n"),
              ElementsAre("10:7: exception 'e': each value must be a list with one entry per field (2)"));
  EXPECT_THAT(errors("    - name: e\n      fields: proc.name\n      values: [[cat]]\n"),
              ElementsAre("10:7: exception 'e': with a single field, values must be a list of strings"));
  EXPECT_THAT(errors("    - name: e\n      fields: [proc.nme]\n      values: [[cat]]\n"),
              ElementsAre("10:7: exception 'e': unknown field 'proc.nme', did you mean 'proc.name'?"));
  EXPECT_THAT(errors("    - name: e\n      fields: [not a field]\n      values: [[cat]]\n"),
              ElementsAre("10:7: exception 'e': 'not a field' is not a field"));
  EXPECT_THAT(errors("    - name: e\n      fields: [fd.num]\n      values: [[three]]\n"),
              ElementsAre("10:7: exception 'e': 'three' is not a number, but 'fd.num' is an int64 field"));
  // An unknown word in parentheses is a one-item list, as in Falco.
  EXPECT_TRUE(fires("    - name: e\n      fields: [proc.name]\n      comps: [in]\n      values: [[nolist]]\n"));
}

TEST(ExceptionConditionText, AsFalcoBuildsIt) {
  auto str = [](std::string s) { return ExceptionValue{false, std::move(s), {}}; };
  auto list = [](std::vector<ExceptionValue> v) { return ExceptionValue{true, "", std::move(v)}; };
  ExceptionInfo single;
  single.name = "s";
  single.fields = str("proc.name");
  single.comps = str("in");
  single.values = {str("a"), str("b c")};
  EXPECT_EQ(*exception_condition(single), "(proc.name in (a, \"b c\"))");

  ExceptionInfo tuple;
  tuple.name = "t";
  tuple.fields = list({str("proc.name"), str("fd.name"), str("fd.directory")});
  tuple.comps = list({str("="), str("in"), str("pmatch")});
  tuple.values = {list({str("a"), list({str("x"), str("y z")}), str("my_dirs")}),
                  list({str("b c"), str("one"), str("(/etc)")})};
  EXPECT_EQ(*exception_condition(tuple),
            "((proc.name = a and fd.name in (x, \"y z\") and fd.directory pmatch (my_dirs)) or "
            "(proc.name = \"b c\" and fd.name in (one) and fd.directory pmatch (/etc)))");

  ExceptionInfo quotes;
  quotes.name = "q";
  quotes.fields = list({str("proc.cmdline")});
  quotes.comps = list({str("=")});
  quotes.values = {list({str("say \"hi\" \\o/")}), list({str("'already quoted'")})};
  EXPECT_EQ(*exception_condition(quotes),
            "((proc.cmdline = \"say \\\"hi\\\" \\\\o/\") or (proc.cmdline = 'already quoted'))");

  ExceptionInfo empty = tuple;
  empty.values.clear();
  EXPECT_EQ(*exception_condition(empty), "");
  EXPECT_THAT(exception_fields(tuple), ElementsAre("proc.name", "fd.name", "fd.directory"));
}

}  // namespace
}  // namespace peregrine::engine
