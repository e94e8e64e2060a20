// The Engine facade: its sources, loading rule files from disk, and turning rule paths
// (files and directories) into the files to load.

#include "engine/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/compiler/test_support.h"

namespace peregrine::engine {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using testing::dump;

constexpr const char* kRule =
    "- rule: r\n  desc: d\n  condition: evt.type = openat\n  output: o\n  priority: INFO\n";

class EngineTest : public ::testing::Test {
 protected:
  EngineTest() {
    dir = fs::temp_directory_path() / ("peregrine-engine-test-" + std::to_string(getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~EngineTest() override { fs::remove_all(dir); }

  std::string write(const std::string& name, const std::string& text) {
    fs::path p = dir / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }

  Engine engine{"node-9"};
  fs::path dir;
};

TEST_F(EngineTest, Sources) {
  EXPECT_EQ(engine.hostname(), "node-9");
  ASSERT_EQ(engine.sources().size(), 2u);
  ASSERT_NE(engine.source("syscall"), nullptr);
  ASSERT_NE(engine.source("k8s_audit"), nullptr);
  EXPECT_EQ(engine.source("syscall")->name(), "syscall");
  EXPECT_EQ(engine.source("nope"), nullptr);
  EXPECT_FALSE(system_hostname().empty());
}

TEST_F(EngineTest, LoadFilesInOrder) {
  std::string a = write("a.yaml", std::string(kRule) + "- list: l\n  items: [x]\n");
  std::string b = write("b.yaml", "- list: l\n  items: [cat]\n  override:\n    items: append\n"
                                  "- rule: r\n  condition: and proc.name in (l)\n  override:\n    condition: append\n");
  auto result = engine.load_files({a, b});
  ASSERT_TRUE(result.report.ok()) << dump(result.report);
  ASSERT_NE(result.ruleset, nullptr);
  ASSERT_EQ(result.report.files.size(), 2u);
  EXPECT_EQ(result.report.files[0].path, a);
  EXPECT_EQ(result.report.files[1].path, b);
  testing::SyscallScene s;
  EXPECT_THAT(testing::fired(*result.ruleset, s.event), ElementsAre("r"));
}

TEST_F(EngineTest, UnreadableFileIsAnError) {
  std::string good = write("good.yaml", kRule);
  auto result = engine.load_files({good, (dir / "missing.yaml").string()});
  EXPECT_FALSE(result.report.ok());
  EXPECT_EQ(result.ruleset, nullptr);
  const Diagnostic* d = testing::find_code(result.report, "unreadable");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->file, (dir / "missing.yaml").string());
  EXPECT_EQ(d->message, "cannot read rules file: No such file or directory");
  // A directory is not a rules file.
  result = engine.load_files({dir.string()});
  EXPECT_FALSE(result.report.ok());
  ASSERT_NE(testing::find_code(result.report, "unreadable"), nullptr);
}

TEST_F(EngineTest, EveryLoadIsIndependent) {
  auto first = engine.load_texts({{"a.yaml", kRule}});
  auto second = engine.load_texts({{"a.yaml", "- rule: other\n  desc: d\n  condition: evt.type = execve\n"
                                              "  output: o\n  priority: INFO\n"}});
  ASSERT_NE(first.ruleset, nullptr);
  ASSERT_NE(second.ruleset, nullptr);
  EXPECT_NE(testing::find_rule(*first.ruleset, "r"), nullptr);
  EXPECT_EQ(testing::find_rule(*second.ruleset, "r"), nullptr);
  // A failed load leaves rulesets already handed out untouched.
  auto failed = engine.load_texts({{"a.yaml", "- rule: r\n"}});
  EXPECT_EQ(failed.ruleset, nullptr);
  EXPECT_NE(testing::find_rule(*first.ruleset, "r"), nullptr);
}

TEST_F(EngineTest, ExpandRulePaths) {
  std::string single = write("single.yaml", kRule);
  write("rules.d/20-b.yml", kRule);
  write("rules.d/10-a.yaml", kRule);
  write("rules.d/README.md", "not rules");
  write("rules.d/nested/30-c.yaml", kRule);
  auto paths = expand_rule_paths({single, (dir / "rules.d").string()});
  ASSERT_TRUE(paths.ok()) << paths.error().message;
  EXPECT_THAT(*paths, ElementsAre(single, (dir / "rules.d/10-a.yaml").string(),
                                  (dir / "rules.d/20-b.yml").string()));
  auto missing = expand_rule_paths({(dir / "nope").string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, (dir / "nope").string() + ": no such file or directory");
  auto none = expand_rule_paths({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace peregrine::engine
