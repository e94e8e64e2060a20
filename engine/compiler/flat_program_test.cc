// FlatProgram: a rule's condition lowered to branch instructions, with `evt.type` tests folded
// for the event types the rule is indexed under. Each test states the expected matches, and
// checks them against the tree (Program::eval) on the same events: folding and lowering must
// never change an answer, under `not`, in `or`, and in macros shared by rules with different
// event types (whose memo cells the rules share).

#include "engine/compiler/flat_program.h"

#include <gmock/gmock.h>
#include <fstream>
#include <sstream>
#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"
#include "engine/ruleset/ruleset.h"

namespace peregrine::engine {
namespace {

using ::testing::ElementsAre;
using testing::find_rule;
using testing::fired;
using testing::SyscallScene;

std::string rule(const std::string& name, const std::string& condition, const std::string& extra = "") {
  return testing::rule_yaml(name, condition, "o", extra);
}

class FlatProgramTest : public ::testing::Test {
 protected:
  std::shared_ptr<const Ruleset> load(const std::string& text) { return testing::load_ok(engine, text); }

  // The rules the tree says match `event`, running each rule only for the event types it is
  // indexed under, as the ruleset did before FlatProgram.
  std::vector<std::string> tree_fired(const Ruleset& rs, const Event& event) {
    std::vector<std::string> out;
    const SourceRuleset* sys = rs.for_source("syscall");
    auto ctx = sys->new_context();
    ctx->begin(event);
    for (const auto& r : sys->rules()) {
      if (!r.enabled) continue;
      if (r.event_types && event.type < r.event_types->size() && !(*r.event_types)[event.type]) continue;
      if (r.condition->eval(*ctx)) out.push_back(r.name);
    }
    return out;
  }

  // The flat program of rule `name`, folded as the ruleset folds it.
  FlatProgram flat_of(const Ruleset& rs, const std::string& name) {
    const CompiledRule* r = find_rule(rs, name);
    EXPECT_NE(r, nullptr) << name;
    return FlatProgram::build(*r->condition, r->event_types ? &*r->event_types : nullptr);
  }

  Engine engine{"test-host"};
  SyscallScene s;
};

TEST_F(FlatProgramTest, EventTypeTestsTheIndexAnswersAreFolded) {
  auto rs = load(rule("only_type", "evt.type = openat") +
                 rule("type_and_name", "evt.type in (open, openat) and proc.name = cat") +
                 rule("mixed", "evt.type in (open, execve) and (evt.type = open or proc.name = bash)") +
                 rule("untyped", "proc.name = cat or evt.type = openat"));
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(flat_of(*rs, "only_type").size(), 0u);       // always true for openat
  EXPECT_EQ(flat_of(*rs, "type_and_name").size(), 1u);   // proc.name only
  // evt.type = open differs between open and execve: it stays, as does the name check.
  EXPECT_EQ(flat_of(*rs, "mixed").size(), 2u);
  // Indexed under every type: nothing to fold.
  EXPECT_EQ(flat_of(*rs, "untyped").size(), 2u);
}

TEST_F(FlatProgramTest, FoldedRulesMatchAsTheTreeDoes) {
  auto rs = load(
      "- macro: cat_opens\n  condition: evt.type in (open, openat) and proc.name = cat\n"
      "- macro: not_open\n  condition: not evt.type = open\n" +
      rule("openat_cat", "evt.type = openat and cat_opens") +
      rule("open_or_exec", "evt.type in (open, execve) and (cat_opens or proc.name = bash)") +
      rule("negated_macro", "evt.type in (openat, execve) and not cat_opens") +
      rule("not_open", "evt.type in (open, openat, execve) and not_open and proc.name in (cat, bash)") +
      rule("ne", "evt.type != openat and proc.name = bash") +
      rule("not_in_or", "evt.type in (openat, execve) and (not evt.type in (execve) or proc.name = cat)") +
      rule("exception", "evt.type in (openat, execve) and proc.name in (cat, bash)",
           "  exceptions:\n  - name: opens\n    fields: [evt.type, proc.name]\n"
           "    values:\n    - [openat, cat]\n"));
  ASSERT_NE(rs, nullptr);

  // openat by cat.
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("openat_cat", "not_open", "not_in_or"));
  EXPECT_EQ(fired(*rs, s.event), tree_fired(*rs, s.event));
  // open by cat: the macro's evt.type test is not folded for open_or_exec.
  s.event.type = kSysOpen;
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("open_or_exec"));
  EXPECT_EQ(fired(*rs, s.event), tree_fired(*rs, s.event));
  // openat by bash.
  s.event.type = kSysOpenat;
  s.event.thread = &s.bash;
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("negated_macro", "not_open", "not_in_or", "exception"));
  EXPECT_EQ(fired(*rs, s.event), tree_fired(*rs, s.event));
  // execve of bash, then of cat.
  s.become_shell_exec();
  EXPECT_THAT(fired(*rs, s.event),
              ElementsAre("open_or_exec", "negated_macro", "not_open", "ne", "exception"));
  EXPECT_EQ(fired(*rs, s.event), tree_fired(*rs, s.event));
  s.event.thread = &s.cat;
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("negated_macro", "not_open", "not_in_or", "exception"));
  EXPECT_EQ(fired(*rs, s.event), tree_fired(*rs, s.event));
  // A type no rule names but `!=`.
  s.event.type = kEventProcexit;
  s.event.thread = &s.bash;
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("ne"));
  EXPECT_EQ(fired(*rs, s.event), tree_fired(*rs, s.event));
}

// A memo cell filled by one rule's folded macro is read by another rule, folded for other event
// types, in the same event: the cell holds the macro's true value, so both agree with the tree.
TEST_F(FlatProgramTest, SharedMacroCellsAcrossDifferentlyFoldedRules) {
  auto rs = load(
      "- macro: cat_opens\n  condition: evt.type in (open, openat) and proc.name = cat\n" +
      rule("first", "evt.type = openat and cat_opens") +
      rule("second", "evt.type in (openat, execve) and cat_opens") +
      rule("third", "evt.type in (openat, execve) and not cat_opens"));
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("first", "second"));
  s.become_shell_exec();
  s.event.thread = &s.cat;
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("third"));
  EXPECT_EQ(fired(*rs, s.event), tree_fired(*rs, s.event));
  // Reusing one context across events of different types: no value leaks between them.
  const SourceRuleset* sys = rs->for_source("syscall");
  auto ctx = sys->new_context();
  SyscallScene open_scene;
  for (int i = 0; i < 4; ++i) {
    const Event& e = i % 2 ? static_cast<const Event&>(s.event) : open_scene.event;
    std::vector<std::string> got;
    sys->evaluate(*ctx, e, RuleMatching::kAll, [&](const CompiledRule& r) { got.push_back(r.name); });
    if (i % 2) EXPECT_THAT(got, ElementsAre("third")) << i;
    else EXPECT_THAT(got, ElementsAre("first", "second")) << i;
  }
}

// A type code outside the table reaches every rule: those run unfolded.
TEST_F(FlatProgramTest, OutOfTableTypesRunUnfolded) {
  auto rs = load(rule("ne", "evt.type != openat") + rule("eq", "evt.type = openat"));
  ASSERT_NE(rs, nullptr);
  s.event.type = 60000;
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("ne"));
  s.event.type = kSysOpenat;
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("eq"));
}

// Missing values: a check on a field the event lacks is false, `not` of it true, as in the tree.
TEST_F(FlatProgramTest, MissingFieldsUnderNot) {
  auto rs = load(rule("fd_named", "evt.type in (openat, execve) and fd.name = /etc/shadow") +
                 rule("not_fd_named", "evt.type in (openat, execve) and not fd.name = /etc/shadow"));
  ASSERT_NE(rs, nullptr);
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("fd_named"));
  s.become_shell_exec();  // no fd
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("not_fd_named"));
  EXPECT_EQ(fired(*rs, s.event), tree_fired(*rs, s.event));
}

// Macros are inlined at each use; a condition that would grow past the limit runs as its tree.
TEST_F(FlatProgramTest, HugeExpansionsRunAsTheTree) {
  std::string text;
  for (int i = 0; i < 30; ++i) {
    text += "- macro: m" + std::to_string(i) + "\n  condition: (m" + std::to_string(i + 1) + " or not m" +
            std::to_string(i + 1) + ")\n";
  }
  text += "- macro: m30\n  condition: evt.type = openat and proc.name = cat\n";
  auto rs = load(text + rule("r", "m0 and evt.type = openat") + rule("s", "not m0 and evt.type = openat"));
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(flat_of(*rs, "r").size(), 1u);  // the tree fallback
  EXPECT_THAT(fired(*rs, s.event), ElementsAre("r"));
}

TEST_F(FlatProgramTest, StableRulesetAgreesWithTheTree) {
  // Every stable rule, on the scene's events: the lowered programs answer as the tree does.
  std::ifstream in(PEREGRINE_COMPAT_DIR "/falco_rules.yaml");
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_FALSE(text.str().empty());
  auto r = testing::load(engine, text.str());
  ASSERT_NE(r.ruleset, nullptr);
  EXPECT_EQ(fired(*r.ruleset, s.event), tree_fired(*r.ruleset, s.event));
  s.fd.name = "/etc/pam.d/x";
  s.args[3].raw = 01;  // O_WRONLY
  s.args[3].text = "O_WRONLY";
  EXPECT_EQ(fired(*r.ruleset, s.event), tree_fired(*r.ruleset, s.event));
  s.become_shell_exec();
  EXPECT_FALSE(fired(*r.ruleset, s.event).empty());
  EXPECT_EQ(fired(*r.ruleset, s.event), tree_fired(*r.ruleset, s.event));
}

}  // namespace
}  // namespace peregrine::engine
