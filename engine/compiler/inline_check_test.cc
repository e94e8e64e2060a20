// Inline checks: the common check kinds run inside FlatProgram's loop instead of calling their
// leaf. Each test states the expected answer; ConditionHarness::matches also compares the flat
// program with the tree (Program::eval), on the tree's filled slots and on fresh ones.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/compiler/flat_program.h"
#include "engine/compiler/test_support.h"

namespace peregrine::engine {
namespace {

using testing::ConditionHarness;
using testing::SyscallScene;

class InlineCheckTest : public ::testing::Test {
 protected:
  bool match(std::string_view cond) { return h.matches(cond, s.event); }

  // {inline checks, leaf calls} in the unfolded flat program of `cond`.
  std::pair<size_t, size_t> shape(std::string_view cond) {
    auto c = h.compile(cond);
    if (!c) return {SIZE_MAX, SIZE_MAX};
    FlatProgram flat = FlatProgram::build(*c->program, nullptr);
    return {flat.inline_checks(), flat.leaf_checks()};
  }

  SyscallSource source{"node-1"};
  ConditionHarness h{source};
  SyscallScene s;
};

using Shape = std::pair<size_t, size_t>;

TEST_F(InlineCheckTest, CommonKindsRunInline) {
  EXPECT_EQ(shape("proc.name = cat"), Shape(1, 0));
  EXPECT_EQ(shape("proc.name != cat"), Shape(1, 0));
  EXPECT_EQ(shape("fd.name startswith /etc/ and fd.name endswith shadow"), Shape(2, 0));
  EXPECT_EQ(shape("fd.name contains sha or fd.name bcontains 736861"), Shape(2, 0));
  EXPECT_EQ(shape("fd.name bstartswith 2f657463"), Shape(1, 0));
  EXPECT_EQ(shape("proc.name in (cat, bash)"), Shape(1, 0));
  EXPECT_EQ(shape("evt.is_open_read = true and not evt.is_open_write != false"), Shape(2, 0));
  EXPECT_EQ(shape("fd.num >= 0 and fd.num < 10 and fd.num != 4 and evt.num > 1"), Shape(4, 0));
}

TEST_F(InlineCheckTest, OtherKindsCallTheirLeaf) {
  EXPECT_EQ(shape("fd.name glob '/etc/*'"), Shape(0, 1));
  EXPECT_EQ(shape("fd.name icontains SHAD"), Shape(0, 1));
  EXPECT_EQ(shape("fd.name pmatch (/etc)"), Shape(0, 1));
  EXPECT_EQ(shape("fd.num in (1, 3)"), Shape(0, 1));
  EXPECT_EQ(shape("evt.is_open_read in (true)"), Shape(0, 1));
  EXPECT_EQ(shape("fd.name exists"), Shape(0, 1));
  // An operand outside int64 is compared by the leaf (as a 128-bit number).
  EXPECT_EQ(shape("evt.num < 18446744073709551615"), Shape(0, 1));
}

TEST_F(InlineCheckTest, StringEdgeValues) {
  // proc.name is "cat", fd.name "/etc/shadow".
  EXPECT_TRUE(match("proc.name = cat"));
  EXPECT_FALSE(match("proc.name = car"));   // same length and first byte
  EXPECT_FALSE(match("proc.name = bat"));   // same length, other first byte
  EXPECT_FALSE(match("proc.name = cats"));
  EXPECT_FALSE(match("proc.name = ''"));
  EXPECT_TRUE(match("proc.name != car"));
  EXPECT_FALSE(match("proc.name != cat"));
  EXPECT_TRUE(match("fd.name startswith ''"));
  EXPECT_TRUE(match("fd.name startswith /etc/shadow"));
  EXPECT_FALSE(match("fd.name startswith /etc/shadow2"));
  EXPECT_FALSE(match("fd.name startswith /etX"));
  EXPECT_FALSE(match("fd.name startswith xetc"));
  EXPECT_TRUE(match("fd.name endswith dow"));
  EXPECT_FALSE(match("fd.name endswith /x/etc/shadow"));
  EXPECT_TRUE(match("fd.name contains c/s"));
  EXPECT_FALSE(match("fd.name contains shadows"));
  EXPECT_TRUE(match("proc.name in (bash, cat)"));
  EXPECT_FALSE(match("proc.name in (bash, ca, cats)"));
  s.cat.comm = "";
  EXPECT_TRUE(match("proc.name = ''"));
  EXPECT_FALSE(match("proc.name = cat"));
  EXPECT_TRUE(match("proc.name in ('', x)"));
}

// =, startswith and endswith compare up to 8 bytes as one word: every needle length against
// values shorter than, as long as and longer than a word, with a difference at every position.
TEST_F(InlineCheckTest, WordComparesAtEveryLength) {
  const std::string alphabet = "abcdefghijklmnopqrstu";
  for (size_t len : {0u, 1u, 3u, 7u, 8u, 9u, 12u, 20u}) {
    std::string value = alphabet.substr(0, len);
    s.cat.comm = value;
    std::vector<std::string> needles;
    for (size_t n = 0; n <= len + 1 && n <= alphabet.size(); ++n) {
      std::string prefix = alphabet.substr(0, n), suffix = value.substr(len - std::min(n, len));
      needles.push_back(prefix);
      needles.push_back(suffix);
      for (size_t i = 0; i < n; ++i) {
        std::string p = prefix, q = suffix;
        p[i] = 'X';
        needles.push_back(p);
        if (i < q.size()) {
          q[i] = 'X';
          needles.push_back(q);
        }
      }
    }
    for (const std::string& needle : needles) {
      std::string_view v = value;
      EXPECT_EQ(match("proc.name = '" + needle + "'"), v == needle) << value << " = " << needle;
      EXPECT_EQ(match("proc.name != '" + needle + "'"), v != needle) << value << " != " << needle;
      EXPECT_EQ(match("proc.name startswith '" + needle + "'"), v.starts_with(needle))
          << value << " startswith " << needle;
      EXPECT_EQ(match("proc.name endswith '" + needle + "'"), v.ends_with(needle))
          << value << " endswith " << needle;
    }
  }
}

TEST_F(InlineCheckTest, NumbersAndBooleans) {
  // fd.num is 3 (int64), evt.num 42 (uint64); the openat is O_RDONLY.
  EXPECT_TRUE(match("fd.num = 3"));
  EXPECT_FALSE(match("fd.num != 3"));
  EXPECT_TRUE(match("fd.num < 4 and fd.num <= 3 and fd.num > 2 and fd.num >= 3"));
  EXPECT_FALSE(match("fd.num < 3 or fd.num > 3"));
  EXPECT_TRUE(match("fd.num > -1"));
  EXPECT_TRUE(match("evt.num = 42 and evt.num > -5 and evt.num < 43"));
  s.event.num = UINT64_MAX;  // beyond int64: still compared as a number
  EXPECT_TRUE(match("evt.num > 0"));
  EXPECT_FALSE(match("evt.num = -1"));
  EXPECT_TRUE(match("evt.is_open_read = true"));
  EXPECT_FALSE(match("evt.is_open_read = false"));
  EXPECT_TRUE(match("evt.is_open_write != true"));
  EXPECT_FALSE(match("evt.is_open_write != false"));
}

TEST_F(InlineCheckTest, ListsAndMissingValuesKeepTheirMeaning) {
  // proc.aname is a list (the ancestors: bash, containerd-shim, systemd): any one matching.
  EXPECT_TRUE(match("proc.aname = bash"));
  EXPECT_TRUE(match("proc.aname startswith containerd"));
  EXPECT_TRUE(match("proc.aname in (systemd)"));
  EXPECT_FALSE(match("proc.aname = cat"));
  // `in` on numbers is the leaf's business.
  EXPECT_TRUE(match("proc.pid in (1001)"));
  // No fd: every check on it is false, `not` of it true.
  s.become_shell_exec();
  EXPECT_FALSE(match("fd.name = /etc/shadow"));
  EXPECT_FALSE(match("fd.name != /etc/shadow"));
  EXPECT_TRUE(match("not fd.name startswith /etc"));
  EXPECT_FALSE(match("fd.num >= 0"));
  EXPECT_FALSE(match("fd.num < 0"));
  EXPECT_TRUE(match("not fd.num != 3"));
  EXPECT_FALSE(match("evt.is_open_read = true"));
}

}  // namespace
}  // namespace peregrine::engine
