// The public Falco stable ruleset (../shared/compat/falco_rules.yaml) loads unmodified, and its
// real rules fire on realistic hand-built events and stay quiet where their exceptions say so.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"

namespace peregrine::engine {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;
using testing::dump;
using testing::fired;
using testing::SyscallScene;

const std::string kFalcoRules = std::string(PEREGRINE_COMPAT_DIR) + "/falco_rules.yaml";

class CompatRulesetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    engine_ = new Engine("test-host");
    result_ = new LoadResult(engine_->load_files({kFalcoRules}));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete engine_;
  }
  std::vector<std::string> fires(RuleMatching matching = RuleMatching::kAll) {
    return result_->ruleset ? fired(*result_->ruleset, s.event, "syscall", matching)
                            : std::vector<std::string>{"<no ruleset>"};
  }

  static Engine* engine_;
  static LoadResult* result_;
  SyscallScene s;
};
Engine* CompatRulesetTest::engine_ = nullptr;
LoadResult* CompatRulesetTest::result_ = nullptr;

TEST_F(CompatRulesetTest, LoadsWithoutErrors) {
  ASSERT_TRUE(result_->report.ok()) << dump(result_->report);
  ASSERT_EQ(result_->report.files.size(), 1u);
  const FileReport& f = result_->report.files[0];
  EXPECT_EQ(f.path, kFalcoRules);
  EXPECT_EQ(f.rules, 25);
  EXPECT_EQ(f.macros, 87);
  EXPECT_EQ(f.lists, 49);
  ASSERT_NE(result_->ruleset, nullptr);
  EXPECT_EQ(result_->ruleset->rule_count(), 25u);
  EXPECT_EQ(result_->ruleset->for_source("syscall")->rules().size(), 25u);
  // The only warning: the container plugin requirement, satisfied by built-in fields.
  ASSERT_EQ(f.warnings.size(), 1u) << dump(result_->report);
  EXPECT_EQ(f.warnings[0].code, "plugin-builtin");
}

TEST_F(CompatRulesetTest, EveryEnabledRuleIsIndexedByEventType) {
  ASSERT_NE(result_->ruleset, nullptr);
  for (const auto& r : result_->ruleset->for_source("syscall")->rules()) {
    EXPECT_TRUE(r.event_types.has_value()) << r.name;
  }
}

TEST_F(CompatRulesetTest, ReadSensitiveFileUntrusted) {
  // `cat /etc/shadow` typed at bash in a container.
  EXPECT_THAT(fires(), ElementsAre("Read sensitive file untrusted"));
  const CompiledRule* r = testing::find_rule(*result_->ruleset, "Read sensitive file untrusted");
  ASSERT_NE(r, nullptr);
  const SourceRuleset* sys = result_->ruleset->for_source("syscall");
  auto ctx = sys->new_context();
  std::optional<Alert> alert;
  sys->evaluate(*ctx, s.event, RuleMatching::kAll, [&](const CompiledRule& m) {
    if (m.name == r->name) alert = sys->make_alert(m, *ctx, "node-1");
  });
  ASSERT_TRUE(alert);
  EXPECT_EQ(alert->priority, Priority::kWarning);
  EXPECT_EQ(alert->message,
            "Sensitive file opened for reading by non-trusted program | file=/etc/shadow "
            "gparent=containerd-shim ggparent=systemd gggparent=<NA> evt_type=openat user=root "
            "user_uid=0 user_loginuid=-1 process=cat proc_exepath=/usr/bin/cat parent=bash "
            "command=cat /etc/shadow terminal=34816");
  EXPECT_EQ(alert->output_fields["proc.aname[4]"], nullptr);
  EXPECT_EQ(alert->output_fields["user.uid"], 0);
  EXPECT_THAT(alert->tags, Contains("mitre_credential_access"));
}

TEST_F(CompatRulesetTest, ReadSensitiveFileStaysQuietForItsExceptions) {
  // A trusted program (a shell) reading the file.
  s.cat.comm = "bash";
  EXPECT_THAT(fires(), Not(Contains("Read sensitive file untrusted")));
  // A file that is not sensitive.
  s.cat.comm = "cat";
  s.fd.name = "/etc/hosts";
  EXPECT_THAT(fires(), Not(Contains("Read sensitive file untrusted")));
  // Opened for writing only: not a read.
  s.fd.name = "/etc/shadow";
  s.args[3].raw = 01;  // O_WRONLY
  EXPECT_THAT(fires(), Not(Contains("Read sensitive file untrusted")));
  // A failed open (fd.num = -1) does not count either.
  s.args[3].raw = 0;
  s.fd.num = -1;
  EXPECT_THAT(fires(), Not(Contains("Read sensitive file untrusted")));
  // Files under /etc/pam.d are sensitive by directory.
  s.fd.num = 3;
  s.fd.name = "/etc/pam.d/common-auth";
  EXPECT_THAT(fires(), Contains("Read sensitive file untrusted"));
}

TEST_F(CompatRulesetTest, TerminalShellInContainer) {
  s.become_shell_exec();
  EXPECT_THAT(fires(), ElementsAre("Terminal shell in container"));
  // No terminal: not interactive.
  s.bash.tty = 0;
  EXPECT_THAT(fires(), Not(Contains("Terminal shell in container")));
  // On the host: not a container.
  s.bash.tty = 34816;
  s.container.id = "host";
  EXPECT_THAT(fires(), Not(Contains("Terminal shell in container")));
  // Spawned by something other than the container runtime: not an entry point.
  s.container.id = "0123456789ab";
  s.shim.comm = "python3";
  EXPECT_THAT(fires(), Not(Contains("Terminal shell in container")));
  // With no known parent at all, the shell is treated as the entry point.
  s.bash.parent = nullptr;
  EXPECT_THAT(fires(), Contains("Terminal shell in container"));
}

TEST_F(CompatRulesetTest, FirstMatchStopsAtOneRule) {
  auto all = fires(RuleMatching::kAll);
  auto first = fires(RuleMatching::kFirst);
  ASSERT_FALSE(all.empty());
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], all[0]);
}

}  // namespace
}  // namespace peregrine::engine
