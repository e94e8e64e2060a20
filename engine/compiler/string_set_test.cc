#include "engine/compiler/string_set.h"

#include <gtest/gtest.h>

namespace peregrine::engine {

TEST(StringSet, MembersAndNonMembers) {
  StringSet set({"bash", "sh", "", "runc:[0:PARENT]", "a-much-longer-member-than-eight-bytes", "sh"});
  EXPECT_EQ(set.size(), 5u);
  for (auto m : {"bash", "sh", "", "runc:[0:PARENT]", "a-much-longer-member-than-eight-bytes"}) {
    EXPECT_TRUE(set.contains(m)) << m;
  }
  for (auto m : {"bas", "bash ", "zsh", "s", "a-much-longer-member-than-eight-byteS", "runc"}) {
    EXPECT_FALSE(set.contains(m)) << m;
  }
}

TEST(StringSet, EmptySetContainsNothing) {
  StringSet set({});
  EXPECT_FALSE(set.contains(""));
  EXPECT_FALSE(set.contains("x"));
}

TEST(StringSet, ManyMembersStayFindable) {
  std::vector<std::string> members;
  for (int i = 0; i < 5000; ++i) members.push_back("item-" + std::to_string(i));
  StringSet set(members);
  EXPECT_EQ(set.size(), 5000u);
  for (const auto& m : members) EXPECT_TRUE(set.contains(m));
  EXPECT_FALSE(set.contains("item-5000"));
  EXPECT_FALSE(set.contains("item-"));
}

TEST(StringSet, HashDependsOnEveryByte) {
  EXPECT_NE(hash_text("abcdefgh1"), hash_text("abcdefgh2"));
  EXPECT_NE(hash_text("a"), hash_text("b"));
  EXPECT_NE(hash_text(""), hash_text(std::string_view("\0", 1)));
}

}  // namespace peregrine::engine
