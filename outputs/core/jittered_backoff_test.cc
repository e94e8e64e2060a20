#include "outputs/core/jittered_backoff.h"

#include <gtest/gtest.h>

namespace peregrine::outputs {
namespace {
using std::chrono::milliseconds;

TEST(JitteredBackoff, CeilingDoublesUpToMaxAndResets) {
  // A random source that always returns the largest value shows each ceiling minus one.
  JitteredBackoff b(milliseconds(100), milliseconds(1000), [] { return ~uint64_t{0}; });
  std::vector<int64_t> got;
  for (int i = 0; i < 6; ++i) got.push_back(b.next_backoff().count());
  // ~0 % c == c - 1 for these ceilings, all of which are powers of two times 100 plus the cap.
  EXPECT_EQ(got[0], static_cast<int64_t>(~uint64_t{0} % 100));
  EXPECT_EQ(got[1], static_cast<int64_t>(~uint64_t{0} % 200));
  EXPECT_EQ(got[2], static_cast<int64_t>(~uint64_t{0} % 400));
  EXPECT_EQ(got[3], static_cast<int64_t>(~uint64_t{0} % 800));
  EXPECT_EQ(got[4], static_cast<int64_t>(~uint64_t{0} % 1000));
  EXPECT_EQ(got[5], static_cast<int64_t>(~uint64_t{0} % 1000));
  b.reset();
  EXPECT_EQ(b.next_backoff().count(), static_cast<int64_t>(~uint64_t{0} % 100));
}

TEST(JitteredBackoff, WaitsAreUniformBelowTheCeiling) {
  uint64_t next = 0;
  JitteredBackoff b(milliseconds(10), milliseconds(10), [&] { return next++; });
  for (int i = 0; i < 25; ++i) EXPECT_EQ(b.next_backoff().count(), i % 10);
}

TEST(JitteredBackoff, LargeMaxDoesNotOverflow) {
  JitteredBackoff b(milliseconds(1), milliseconds(INT64_MAX), [] { return uint64_t{7}; });
  for (int i = 0; i < 200; ++i) EXPECT_GE(b.next_backoff().count(), 0);
}

}  // namespace
}  // namespace peregrine::outputs
