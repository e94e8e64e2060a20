#include "operator/rule_validator.h"

#include <gtest/gtest.h>

namespace peregrine::op {
namespace {

const char* kMacro = R"(- macro: shell_procs
  condition: proc.name in (bash, sh)
)";
const char* kUsesMacro = R"(- rule: Shell
  desc: a shell
  condition: evt.type = execve and shell_procs
  output: shell %proc.name
  priority: WARNING
)";
const char* kAppendsMacro = R"(- macro: shell_procs
  condition: or proc.name = zsh
  append: true
)";
const char* kStandalone = R"(- rule: Open
  desc: an open
  condition: evt.type = openat
  output: open %fd.name
  priority: NOTICE
)";
// Line 4, a condition that does not parse.
const char* kSyntaxError = R"(- rule: Broken
  desc: broken
  output: x
  condition: evt.type = = execve
  priority: NOTICE
)";
const char* kUnknownKey = R"(- rule: Typo
  desc: typo
  condtion: evt.type = execve
  output: x
  priority: NOTICE
)";
// A rule with the same name as kUsesMacro, whose condition uses an unknown field once loaded
// after it as an override.
const char* kBadOverride = R"(- rule: Shell
  condition: and not.a.field = 1
  override:
    condition: append
)";

RuleSource src(std::string key, std::string text) { return {std::move(key), "", std::move(text)}; }
SetCandidate cand(RuleSource s) {
  SetCandidate c;
  c.current = std::move(s);
  return c;
}

class RuleValidatorTest : public ::testing::Test {
 protected:
  engine::Engine engine_{"operator-test"};
  RuleValidator v_{engine_};
};

TEST_F(RuleValidatorTest, ReferencesToOtherFalcoRulesAreNotErrorsAlone) {
  EXPECT_TRUE(v_.check_alone(src("ns/uses", kUsesMacro)).errors.empty());
  EXPECT_TRUE(v_.check_alone(src("ns/appends", kAppendsMacro)).errors.empty());
  EXPECT_TRUE(v_.check_alone(src("ns/macro", kMacro)).errors.empty());
}

TEST_F(RuleValidatorTest, OwnErrorsCarryPositionsInsideTheText) {
  auto v = v_.check_alone(src("ns/broken", kSyntaxError));
  ASSERT_EQ(v.errors.size(), 1u);
  EXPECT_EQ(v.errors[0].file, "ns/broken");
  EXPECT_EQ(v.errors[0].line, 4);
  EXPECT_GT(v.errors[0].column, 1);
  auto typo = v_.check_alone(src("ns/typo", kUnknownKey));
  ASSERT_FALSE(typo.errors.empty());
  EXPECT_EQ(typo.errors[0].line, 3);
}

TEST_F(RuleValidatorTest, ValidSetIsOneCompile) {
  std::vector<SetCandidate> c = {cand(src("a/macro", kMacro)), cand(src("b/uses", kUsesMacro)), cand(src("c/open", kStandalone))};
  auto v = v_.check_set(c);
  EXPECT_EQ(v.chosen, std::vector<Chosen>(3, Chosen::kCurrent));
  EXPECT_TRUE(v.set_errors.empty());
  EXPECT_EQ(v.compiles, 1);
}

TEST_F(RuleValidatorTest, MissingReferenceBreaksTheSetAndIsBlamedOnTheReferrer) {
  std::vector<SetCandidate> c = {cand(src("a/open", kStandalone)), cand(src("b/uses", kUsesMacro)), cand(src("c/open2", kStandalone))};
  c[2].current.text = std::string(kStandalone).replace(std::string(kStandalone).find("Open"), 4, "Open2");
  auto v = v_.check_set(c);
  EXPECT_EQ(v.chosen, (std::vector<Chosen>{Chosen::kCurrent, Chosen::kNone, Chosen::kCurrent}));
  ASSERT_TRUE(v.set_errors.count(1));
  EXPECT_EQ(v.set_errors[1][0].file, "b/uses");
  EXPECT_NE(v.set_errors[1][0].message.find("shell_procs"), std::string::npos);
}

TEST_F(RuleValidatorTest, OrderMattersForAppends) {
  std::vector<SetCandidate> before = {cand(src("a/appends", kAppendsMacro)), cand(src("b/macro", kMacro))};
  EXPECT_EQ(v_.check_set(before).chosen[0], Chosen::kNone);
  std::vector<SetCandidate> after = {cand(src("a/macro", kMacro)), cand(src("b/appends", kAppendsMacro))};
  EXPECT_EQ(v_.check_set(after).chosen, std::vector<Chosen>(2, Chosen::kCurrent));
}

TEST_F(RuleValidatorTest, RefusedTextFallsBackToItsLastGoodVersion) {
  std::vector<SetCandidate> c = {cand(src("a/macro", kMacro)), cand(src("b/uses", kUsesMacro)), cand(src("c/override", kBadOverride))};
  c[2].fallback = src("c/override", kStandalone);
  auto v = v_.check_set(c);
  EXPECT_EQ(v.chosen, (std::vector<Chosen>{Chosen::kCurrent, Chosen::kCurrent, Chosen::kFallback}));
  ASSERT_TRUE(v.set_errors.count(2));
  // Invalid alone: starts on the fallback without a set error of its own.
  std::vector<SetCandidate> d = {cand(src("a/open", kStandalone)), cand(src("b/broken", kSyntaxError))};
  d[1].current_ok_alone = false;
  d[1].fallback = src("b/broken", kMacro);
  auto w = v_.check_set(d);
  EXPECT_EQ(w.chosen, (std::vector<Chosen>{Chosen::kCurrent, Chosen::kFallback}));
  EXPECT_TRUE(w.set_errors.empty());
}

TEST_F(RuleValidatorTest, ManyRulesOneCulpritNeedsFewCompiles) {
  std::vector<SetCandidate> c;
  for (int i = 0; i < 256; ++i) {
    std::string text = kStandalone;
    text.replace(text.find("Open"), 4, "Open" + std::to_string(i));
    c.push_back(cand(src("ns/r" + std::to_string(i), text)));
  }
  c[200].current.text = kUsesMacro;
  auto v = v_.check_set(c);
  EXPECT_EQ(v.chosen[200], Chosen::kNone);
  EXPECT_EQ(std::count(v.chosen.begin(), v.chosen.end(), Chosen::kCurrent), 255);
  EXPECT_LE(v.compiles, 12) << "bisection, not one compile per rule";
}

}  // namespace
}  // namespace peregrine::op
