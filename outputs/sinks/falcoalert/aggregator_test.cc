#include "outputs/sinks/falcoalert/aggregator.h"

#include <thread>

#include <gtest/gtest.h>

#include "outputs/sinks/falcoalert/test_alert.h"

namespace peregrine::outputs::falcoalert {
namespace {

using testing::syscall_alert;

AlertPtr share(engine::Alert a) { return std::make_shared<const engine::Alert>(std::move(a)); }

TEST(Aggregator, AMillionEventsOfOneKeyAreOneDueWithTheExactCount) {
  Aggregator agg(10, "");
  AlertPtr alert = share(syscall_alert());
  for (int i = 0; i < 1'000'000; ++i) ASSERT_TRUE(agg.add(alert));
  EXPECT_EQ(agg.keys(), 1u);
  EXPECT_EQ(agg.pending_events(), 1'000'000u);
  auto due = agg.take_due(10);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].delta, 1'000'000u);
  EXPECT_EQ(due[0].entry->name, object_name(key_of(*alert, "")));
  agg.finish(due[0], due[0].delta);
  EXPECT_EQ(agg.pending_events(), 0u);
  EXPECT_TRUE(agg.take_due(10).empty());
}

TEST(Aggregator, KeysComeDueInTheOrderTheyFirstFired) {
  Aggregator agg(10, "");
  for (std::string pod : {"a", "b", "c"}) agg.add(share(syscall_alert("R", "default", pod)));
  agg.add(share(syscall_alert("R", "default", "a")));
  auto due = agg.take_due(2);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].entry->key.pod, "a");
  EXPECT_EQ(due[0].delta, 2u);
  EXPECT_EQ(due[1].entry->key.pod, "b");
  auto rest = agg.take_due(5);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].entry->key.pod, "c");
}

TEST(Aggregator, AFailedWriteReturnsItsDeltaAndEventsDuringTheWriteAreKept) {
  Aggregator agg(10, "");
  AlertPtr a = share(syscall_alert());
  for (int i = 0; i < 5; ++i) agg.add(a);
  auto due = agg.take_due(1);
  ASSERT_EQ(due.size(), 1u);
  for (int i = 0; i < 3; ++i) agg.add(a);  // while the write is in flight
  EXPECT_TRUE(agg.take_due(1).empty()) << "an entry in flight is never handed out twice";
  agg.finish(due[0], 0);                   // the API was down
  EXPECT_EQ(agg.pending_events(), 8u);
  auto again = agg.take_due(1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].delta, 8u);
  agg.finish(again[0], 6);  // part of it stored (a write that landed without an answer)
  EXPECT_EQ(agg.pending_events(), 2u);
  auto last = agg.take_due(1);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].delta, 2u);
}

TEST(Aggregator, FailedKeysGoBackToTheFrontOfTheLine) {
  Aggregator agg(10, "");
  agg.add(share(syscall_alert("R", "default", "a")));
  agg.add(share(syscall_alert("R", "default", "b")));
  auto first = agg.take_due(1);
  agg.finish(first[0], 0);
  auto next = agg.take_due(1);
  EXPECT_EQ(next[0].entry->key.pod, "a");
}

TEST(Aggregator, TheSampleIsTheLatestEventAndTimesSpanAllEvents) {
  Aggregator agg(10, "");
  engine::Alert early = syscall_alert(), late = syscall_alert(), middle = syscall_alert();
  early.time_ns = 100;
  late.time_ns = 300;
  late.message = "late";
  middle.time_ns = 200;
  agg.add(share(late));
  agg.add(share(early));
  agg.add(share(middle));
  auto due = agg.take_due(1);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].first_ns, 100u);
  EXPECT_EQ(due[0].last_ns, 300u);
  EXPECT_EQ(due[0].sample->message, "late");
}

TEST(Aggregator, OverMaxKeysNewKeysAreCountedDropsUntilAKeyIsWritten) {
  Aggregator agg(2, "");
  EXPECT_TRUE(agg.add(share(syscall_alert("R", "default", "a"))));
  EXPECT_TRUE(agg.add(share(syscall_alert("R", "default", "b"))));
  EXPECT_FALSE(agg.add(share(syscall_alert("R", "default", "c"))));
  EXPECT_FALSE(agg.add(share(syscall_alert("R", "default", "d"))));
  EXPECT_TRUE(agg.add(share(syscall_alert("R", "default", "a")))) << "known keys still count";
  EXPECT_EQ(agg.overflow(), 2u);
  EXPECT_EQ(agg.keys(), 2u);
  EXPECT_EQ(agg.pending_events(), 3u);

  auto due = agg.take_due(1);  // "a", written: its entry may now make room
  agg.finish(due[0], due[0].delta);
  EXPECT_TRUE(agg.add(share(syscall_alert("R", "default", "c"))));
  EXPECT_EQ(agg.keys(), 2u);
  EXPECT_EQ(agg.overflow(), 2u);
  auto rest = agg.take_due(5);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].entry->key.pod, "b");
  EXPECT_EQ(rest[1].entry->key.pod, "c");
}

TEST(Aggregator, AnEntryInFlightIsNeverEvicted) {
  Aggregator agg(1, "");
  agg.add(share(syscall_alert("R", "default", "a")));
  auto due = agg.take_due(1);
  EXPECT_FALSE(agg.add(share(syscall_alert("R", "default", "b"))));
  agg.finish(due[0], due[0].delta);
  EXPECT_TRUE(agg.add(share(syscall_alert("R", "default", "b"))));
}

TEST(Aggregator, KeysThatFlipBetweenCleanAndDirtyKeepTheCleanListBounded) {
  Aggregator agg(4, "");
  AlertPtr a = share(syscall_alert());
  for (int i = 0; i < 10000; ++i) {
    agg.add(a);
    auto due = agg.take_due(1);
    agg.finish(due[0], due[0].delta);
  }
  // Room is still made from the clean list after many flips: the fourth new key evicts the
  // written one; the fifth finds every entry holding unwritten counts.
  for (std::string pod : {"p1", "p2", "p3", "p4"}) EXPECT_TRUE(agg.add(share(syscall_alert("R", "d", pod))));
  EXPECT_FALSE(agg.add(share(syscall_alert("R", "d", "p5"))));
  EXPECT_EQ(agg.keys(), 4u);
  EXPECT_EQ(agg.pending_events(), 4u);
}

TEST(Aggregator, ConcurrentProducersLoseNoEvents) {
  Aggregator agg(100, "");
  std::vector<AlertPtr> alerts;
  for (int i = 0; i < 8; ++i) alerts.push_back(share(syscall_alert("R", "default", "p" + std::to_string(i))));
  std::atomic<bool> done{false};
  uint64_t written = 0;
  std::thread writer([&] {
    while (!done.load() || agg.pending_events() > 0) {
      for (auto& d : agg.take_due(3)) {
        written += d.delta;
        agg.finish(d, d.delta);
      }
    }
  });
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t)
    producers.emplace_back([&, t] {
      for (int i = 0; i < 50000; ++i) agg.add(alerts[(i + t) % alerts.size()]);
    });
  for (auto& p : producers) p.join();
  done = true;
  writer.join();
  EXPECT_EQ(written, 200000u);
}

}  // namespace
}  // namespace peregrine::outputs::falcoalert
