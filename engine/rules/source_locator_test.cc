// SourceLocator: from a byte offset in a scalar's value back to the line and column in the file,
// through YAML folding, block indicators, quoting and Windows line ends.

#include "engine/rules/source_locator.h"

#include <gtest/gtest.h>

namespace peregrine::engine {
namespace {

std::string at(const SourceLocator& loc, size_t start, std::string_view value, size_t offset) {
  TextPos p = loc.locate(start, value, offset);
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

TEST(SourceLocator, PositionOfOffsets) {
  SourceLocator loc("ab\ncd\n\nef");
  EXPECT_EQ(loc.position_of(0).line, 1);
  EXPECT_EQ(loc.position_of(1).column, 2);
  EXPECT_EQ(loc.position_of(3).line, 2);
  EXPECT_EQ(loc.position_of(3).column, 1);
  EXPECT_EQ(loc.position_of(7).line, 4);
  EXPECT_EQ(loc.position_of(1000).line, 4);  // clamped to the end
}

TEST(SourceLocator, PlainScalar) {
  std::string file = "- rule: r\n  condition: a and b\n";
  SourceLocator loc(file);
  size_t start = file.find("a and");
  EXPECT_EQ(at(loc, start, "a and b", 0), "2:14");
  EXPECT_EQ(at(loc, start, "a and b", 6), "2:20");
  EXPECT_EQ(at(loc, start, "a and b", 1), "2:15");   // a blank: just after the previous character
  EXPECT_EQ(at(loc, start, "a and b", 7), "2:21");   // the end: just after the last character
  EXPECT_EQ(at(loc, start, "a and b", 99), "2:21");
}

TEST(SourceLocator, FoldedBlockWithWindowsLineEnds) {
  std::string file = "- rule: r\r\n  condition: >-\r\n    a and\r\n      b\r\n";
  SourceLocator loc(file);
  size_t start = file.find(">-");
  // YAML folds the lines into "a and b".
  EXPECT_EQ(at(loc, start, "a and b", 0), "3:5");
  EXPECT_EQ(at(loc, start, "a and b", 2), "3:7");
  EXPECT_EQ(at(loc, start, "a and b", 6), "4:7");
}

TEST(SourceLocator, QuotedScalars) {
  std::string file = "c: \"x = \\\"q\\\" and y\"\n";
  SourceLocator loc(file);
  size_t start = file.find('"');
  EXPECT_EQ(at(loc, start, "x = \"q\" and y", 0), "1:5");
  EXPECT_EQ(at(loc, start, "x = \"q\" and y", 12), "1:19");
  std::string single = "c: 'it''s x'\n";
  SourceLocator loc2(single);
  EXPECT_EQ(at(loc2, single.find('\''), "it's x", 5), "1:11");
}

TEST(SourceLocator, GivesUpGracefullyOnMismatch) {
  std::string file = "c: abc\n";
  SourceLocator loc(file);
  // A value that is not in the file (say, produced by escapes) still yields a position in it.
  TextPos p = loc.locate(3, "zzz", 2);
  EXPECT_EQ(p.line, 1);
  EXPECT_GE(p.column, 1);
}

}  // namespace
}  // namespace peregrine::engine
