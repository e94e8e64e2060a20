#include "common/time_format.h"

#include <gtest/gtest.h>

namespace peregrine {

TEST(TimeFormat, Rfc3339RoundTrip) {
  uint64_t ns = 1795360811123456789ull;
  std::string text = format_rfc3339_nanos(ns);
  EXPECT_EQ(text, "2026-11-22T15:20:11.123456789Z");
  EXPECT_EQ(parse_rfc3339(text), ns);
  EXPECT_EQ(format_time_of_day(ns), "15:20:11.123456789");
  EXPECT_EQ(format_datetime(ns), "2026/11/22 15:20:11.123456789");
}

TEST(TimeFormat, ParsesKubernetesForms) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:01Z"), 1000000000ull);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:01.5Z"), 1500000000ull);
  EXPECT_EQ(parse_rfc3339("1970-01-01T01:00:01+01:00"), 1000000000ull);
  EXPECT_EQ(parse_rfc3339("1970-01-01"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:01"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("1970-13-01T00:00:01Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:01.Z"), std::nullopt);
}

}  // namespace peregrine
