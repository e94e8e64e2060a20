#include "outputs/core/spool.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "outputs/core/renderer.h"
#include "outputs/testing/child_process.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {
namespace fs = std::filesystem;

std::vector<Record> records(int first, int n) {
  std::vector<Record> out;
  for (int i = first; i < first + n; ++i)
    out.push_back(Renderer{}.render(testing::make_alert("r", engine::Priority::kError, {"t"}, uint64_t(i))));
  return out;
}

uint64_t pid_of(const Record& r) { return r.json["output_fields"]["proc.pid"].get<uint64_t>(); }

TEST(Crc32, MatchesTheStandardCheckValue) { EXPECT_EQ(crc32("123456789"), 0xCBF43926u); }

TEST(Spool, RecordsRoundTripInOrderAcrossReopen) {
  testing::TempDir dir;
  {
    auto s = Spool::open(dir.path(), 1 << 20);
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_EQ(*(*s)->append(records(0, 10)), 10u);
    auto head = (*s)->peek(4);
    ASSERT_TRUE(head.ok());
    ASSERT_EQ(head->size(), 4u);
    ASSERT_TRUE((*s)->commit(4).ok());
    EXPECT_EQ((*s)->pending(), 6u);
  }
  auto s = Spool::open(dir.path(), 1 << 20);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->pending(), 6u);
  auto rest = (*s)->peek(100);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 6u);
  EXPECT_EQ(pid_of((*rest)[0]), 4u);
  EXPECT_EQ((*rest)[0].priority, engine::Priority::kError);
  EXPECT_EQ((*rest)[0].tags, std::vector<std::string>{"t"});
  EXPECT_EQ((*rest)[0].text, records(4, 1)[0].text);
}

TEST(Spool, SizeIsBounded) {
  testing::TempDir dir;
  auto s = Spool::open(dir.path(), 1 << 16);
  ASSERT_TRUE(s.ok());
  size_t total = 0;
  for (int i = 0; i < 200; ++i) total += *(*s)->append(records(i, 1));
  EXPECT_LT(total, 200u);
  EXPECT_LE((*s)->bytes(), uint64_t(1 << 16));
  EXPECT_EQ((*s)->pending(), total);
}

TEST(Spool, DeliveredSegmentsAreRemovedAndSpaceReturns) {
  testing::TempDir dir;
  auto s = Spool::open(dir.path(), 1 << 16);  // 64 KiB segments
  ASSERT_TRUE(s.ok());
  uint64_t delivered = 0;
  for (int round = 0; round < 50; ++round) {
    ASSERT_EQ(*(*s)->append(records(round * 20, 20)), 20u) << "round " << round;
    auto head = (*s)->peek(20);
    ASSERT_TRUE(head.ok());
    ASSERT_EQ(pid_of(head->front()), delivered);
    ASSERT_TRUE((*s)->commit(head->size()).ok());
    delivered += head->size();
  }
  EXPECT_EQ((*s)->pending(), 0u);
  size_t segments = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) segments += e.path().extension() == ".log";
  EXPECT_LE(segments, 2u);
}

TEST(Spool, ATornTailIsCutOffAndCounted) {
  testing::TempDir dir;
  {
    auto s = Spool::open(dir.path(), 1 << 20);
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(*(*s)->append(records(0, 3)), 3u);
  }
  std::string segment;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().extension() == ".log") segment = e.path().string();
  // A crash mid-append: half a record at the end.
  auto size = fs::file_size(segment);
  fs::resize_file(segment, size - 10);
  auto s = Spool::open(dir.path(), 1 << 20);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->pending(), 2u);
  EXPECT_EQ((*s)->corrupt_records(), 1u);
  ASSERT_EQ(*(*s)->append(records(3, 1)), 1u);  // appends after the cut, readable
  auto all = (*s)->peek(10);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(pid_of((*all)[2]), 3u);
}

TEST(Spool, AFlippedByteFailsTheChecksum) {
  testing::TempDir dir;
  {
    auto s = Spool::open(dir.path(), 1 << 20);
    ASSERT_EQ(*(*s)->append(records(0, 2)), 2u);
  }
  std::string segment;
  for (const auto& e : fs::directory_iterator(dir.path()))
    if (e.path().extension() == ".log") segment = e.path().string();
  std::fstream f(segment, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(static_cast<std::streamoff>(fs::file_size(segment) - 5));
  f.put('#');
  f.close();
  auto s = Spool::open(dir.path(), 1 << 20);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->pending(), 1u);
  EXPECT_EQ((*s)->corrupt_records(), 1u);
}

}  // namespace
}  // namespace peregrine::outputs
