#include "common/strings.h"

#include <gtest/gtest.h>

namespace peregrine {

TEST(Strings, EditDistance) {
  EXPECT_EQ(edit_distance("proc.nmae", "proc.name"), 2u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
  EXPECT_GT(edit_distance("short", "a much longer word", 3), 3u);
}

TEST(Strings, ClosestMatchSuggestsTyposOnly) {
  std::vector<std::string> words{"condition", "output", "priority"};
  EXPECT_EQ(closest_match("conditon", words), "condition");
  EXPECT_EQ(closest_match("zzz", words), std::nullopt);
}

TEST(Strings, ParseIntegers) {
  EXPECT_EQ(parse_int64("-1"), -1);
  EXPECT_EQ(parse_int64("0x10"), 16);
  EXPECT_EQ(parse_int64("12a"), std::nullopt);
  EXPECT_EQ(parse_int64(""), std::nullopt);
  EXPECT_EQ(parse_int64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(parse_int64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_uint64("-1"), std::nullopt);
  EXPECT_EQ(parse_uint64("18446744073709551615"), UINT64_MAX);
}

TEST(Strings, CaseAndTrim) {
  EXPECT_TRUE(iequals("WARNING", "warning"));
  EXPECT_FALSE(iequals("warn", "warning"));
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(to_lower("AbC"), "abc");
  EXPECT_EQ(to_upper("AbC"), "ABC");
}

}  // namespace peregrine

TEST(RegexLiteral, EscapesEveryMetacharacter) {
  EXPECT_EQ(peregrine::regex_literal("/k8s-audit"), "/k8s-audit");
  EXPECT_EQ(peregrine::regex_literal("/a.b(c)[d]*+?^$|{}\\"), "/a\\.b\\(c\\)\\[d\\]\\*\\+\\?\\^\\$\\|\\{\\}\\\\");
}

TEST(PrometheusLabel, EscapesBackslashQuoteAndNewline) {
  EXPECT_EQ(peregrine::prometheus_label("Read sensitive file"), "Read sensitive file");
  EXPECT_EQ(peregrine::prometheus_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}
