#include "kube/lease_record.h"

#include <gtest/gtest.h>

namespace peregrine::kube {
namespace {

using nlohmann::json;
using std::chrono::microseconds;
using std::chrono::system_clock;

TEST(LeaseRecord, MicroTimeHasSixDigitsInUtcAndRoundTrips) {
  system_clock::time_point t{std::chrono::seconds(1795305600) + microseconds(123456)};
  EXPECT_EQ(format_micro_time(t), "2026-11-22T00:00:00.123456Z");
  EXPECT_EQ(parse_micro_time("2026-11-22T00:00:00.123456Z"), t);
  EXPECT_EQ(parse_micro_time("2026-11-22T01:00:00.123456+01:00"), t);
  EXPECT_FALSE(parse_micro_time("yesterday").has_value());
}

TEST(LeaseRecord, SpecRoundTripsAndMissingFieldsAreZero) {
  LeaseRecord r{"op-1", 15, system_clock::time_point{std::chrono::seconds(1795305600)},
                system_clock::time_point{std::chrono::seconds(1795305610)}, 3};
  json spec = lease_spec(r);
  EXPECT_EQ(spec["holderIdentity"], "op-1");
  EXPECT_EQ(spec["renewTime"], "2026-11-22T00:00:10.000000Z");
  EXPECT_EQ(lease_record_from({{"spec", spec}}), r);

  EXPECT_EQ(lease_record_from(json::object()), LeaseRecord{});
  LeaseRecord partial = lease_record_from({{"spec", {{"holderIdentity", "x"}, {"renewTime", "garbage"}}}});
  EXPECT_EQ(partial.holder_identity, "x");
  EXPECT_EQ(partial.renew_time, system_clock::time_point{});
  EXPECT_EQ(partial.lease_duration_seconds, 0);
}

}  // namespace
}  // namespace peregrine::kube
