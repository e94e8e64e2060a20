#include "kube/backoff.h"

#include <gtest/gtest.h>

namespace peregrine::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Backoff, DoublesUpToTheCapWithJitterAndHonoursRetryAfter) {
  double r = 1.0 - 1e-9;  // top of the jitter range: delays are (almost) the nominal ones
  Backoff b(milliseconds(100), milliseconds(1000), [&] { return r; });
  EXPECT_EQ(b.next(), milliseconds(99));
  EXPECT_EQ(b.next(), milliseconds(199));
  EXPECT_EQ(b.next(), milliseconds(399));
  EXPECT_EQ(b.next(), milliseconds(799));
  EXPECT_EQ(b.next(), milliseconds(999));
  EXPECT_EQ(b.next(), milliseconds(999));
  r = 0.0;  // bottom of the range: half
  EXPECT_EQ(b.next(), milliseconds(500));
  EXPECT_EQ(b.next(seconds(3)), milliseconds(3000));
  b.reset();
  EXPECT_EQ(b.next(), milliseconds(50));
}

}  // namespace
}  // namespace peregrine::kube
