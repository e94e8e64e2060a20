// The ring walker on rings laid out byte for byte as the module writes them: the placement
// and copy are the module's own (peregrine_ring_place/peregrine_ring_fill from
// driver/kmod/ring_layout.h), the records come from RecordBuilder.
#include "driver/kmod_reader/ring_walker.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "driver/reader/record_builder.h"

namespace peregrine::driver {
namespace {

// One ring in plain memory, written the way pg_ring_commit() writes it.
class TestRing {
 public:
  explicit TestRing(uint32_t data_bytes = PEREGRINE_RING_MIN_DATA_BYTES, uint32_t cpu = 0)
      : storage_((PEREGRINE_RING_HEADER_BYTES + data_bytes) / sizeof(uint64_t), 0) {
    header()->magic = PEREGRINE_RING_MAGIC;
    header()->abi_version = PEREGRINE_RING_ABI_VERSION;
    header()->schema_version = PEREGRINE_SCHEMA_VERSION;
    header()->cpu = cpu;
    header()->data_bytes = data_bytes;
  }

  peregrine_ring_header* header() { return reinterpret_cast<peregrine_ring_header*>(storage_.data()); }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(storage_.data()) + PEREGRINE_RING_HEADER_BYTES; }
  RingView view() { return {header(), data()}; }

  // The module's commit; returns its PEREGRINE_RING_* result. publish=false leaves head.
  int push(const std::vector<uint8_t>& record, bool publish = true) {
    peregrine_ring_slot slot{};
    const int rc = peregrine_ring_place(head_, header()->tail, header()->data_bytes,
                                        static_cast<uint32_t>(record.size()), &slot);
    if (rc != PEREGRINE_RING_OK) {
      ++header()->drops;
      return rc;
    }
    peregrine_ring_fill(data(), header()->data_bytes, &slot, record.data(),
                        static_cast<uint32_t>(record.size()));
    last_slot_ = slot;
    head_ = slot.next_head;
    if (publish) header()->head = head_;
    ++header()->events;
    return rc;
  }
  void publish(uint64_t head) { header()->head = head; }
  uint64_t unpublished_head() const { return head_; }
  const peregrine_ring_slot& last_slot() const { return last_slot_; }

 private:
  std::vector<uint64_t> storage_;  // 8-byte aligned, as the head/tail atomics need
  uint64_t head_ = 0;
  peregrine_ring_slot last_slot_{};
};

std::vector<uint8_t> openat(uint64_t ts, const std::string& path, uint32_t cpu = 0) {
  return RecordBuilder(PEREGRINE_EVT_CODE_OPENAT, 100, 100, 3, ts)
      .cpu(cpu)
      .i64(-100)
      .str(path)
      .u32(0)
      .u32(0644)
      .build();
}

std::vector<std::string> paths_of(const RingBatch& batch) {
  std::vector<std::string> out;
  for (const auto& e : batch.events) out.emplace_back(e.as_string(1).value_or("?"));
  return out;
}

TEST(RingWalker, EmptyRingYieldsNothing) {
  TestRing ring;
  const RingBatch batch = collect_ring(ring.view());
  EXPECT_TRUE(batch.events.empty());
  EXPECT_EQ(batch.new_tail, 0u);
  EXPECT_FALSE(batch.incomplete);
}

TEST(RingWalker, ReadsRecordsInRingOrderAndCommits) {
  TestRing ring;
  ASSERT_EQ(ring.push(openat(1, "/etc/passwd")), PEREGRINE_RING_OK);
  ASSERT_EQ(ring.push(openat(2, "/etc/shadow")), PEREGRINE_RING_OK);
  const RingBatch batch = collect_ring(ring.view());
  ASSERT_EQ(batch.events.size(), 2u);
  EXPECT_EQ(paths_of(batch), (std::vector<std::string>{"/etc/passwd", "/etc/shadow"}));
  EXPECT_EQ(batch.events[0].type(), PEREGRINE_EVT_CODE_OPENAT);
  EXPECT_EQ(batch.events[0].res(), 3);
  EXPECT_EQ(batch.new_tail, ring.header()->head);
  EXPECT_EQ(batch.new_tail % PEREGRINE_RING_ALIGN, 0u);
  // Not consumed until committed.
  EXPECT_EQ(ring.header()->tail, 0u);
  commit_ring(ring.view(), batch.new_tail);
  EXPECT_EQ(ring.header()->tail, ring.header()->head);
  EXPECT_TRUE(collect_ring(ring.view()).events.empty());
}

TEST(RingWalker, WrapAroundSkipsPaddingAndRecordsNeverSplit) {
  TestRing ring;  // 64 KiB
  const std::string long_path = "/" + std::string(3000, 'a');
  int pushed = 0, read = 0;
  bool padded = false;
  // Keep the ring half full while head goes round it twice.
  while (ring.unpublished_head() < 2ull * ring.header()->data_bytes) {
    ASSERT_EQ(ring.push(openat(pushed, long_path + std::to_string(pushed))), PEREGRINE_RING_OK);
    padded = padded || ring.last_slot().pad != 0;
    ++pushed;
    if (ring.header()->head - ring.header()->tail > ring.header()->data_bytes / 2) {
      const RingBatch batch = collect_ring(ring.view());
      EXPECT_EQ(batch.corrupt_resyncs, 0u);
      for (const auto& e : batch.events) {
        EXPECT_EQ(e.ts_ns(), static_cast<uint64_t>(read));
        EXPECT_EQ(e.as_string(1).value_or(""), long_path + std::to_string(read));
        ++read;
      }
      commit_ring(ring.view(), batch.new_tail);
    }
  }
  const RingBatch rest = collect_ring(ring.view());
  read += static_cast<int>(rest.events.size());
  EXPECT_TRUE(padded);
  EXPECT_EQ(read, pushed);
  EXPECT_EQ(ring.header()->drops, 0u);
}

TEST(RingWalker, PaddingMarkerRunsToTheEndOfTheDataArea) {
  TestRing ring;
  const uint32_t size = ring.header()->data_bytes;
  // Fill up to 16 bytes before the end, consume, then a record that cannot fit there.
  std::vector<uint8_t> filler = openat(0, "/x");
  while (size - (ring.unpublished_head() % size) > 2 * filler.size()) ring.push(filler);
  commit_ring(ring.view(), collect_ring(ring.view()).new_tail);
  const uint64_t before = ring.unpublished_head();
  ASSERT_EQ(ring.push(openat(7, "/" + std::string(200, 'b'))), PEREGRINE_RING_OK);
  const peregrine_ring_slot slot = ring.last_slot();
  ASSERT_GT(slot.pad, 0u);
  EXPECT_EQ(slot.offset, 0u);
  peregrine_ring_pad pad;
  std::memcpy(&pad, ring.data() + (before % size), sizeof pad);
  EXPECT_EQ(pad.magic, PEREGRINE_RING_PAD_MAGIC);
  EXPECT_EQ(pad.len, slot.pad);
  const RingBatch batch = collect_ring(ring.view());
  ASSERT_EQ(batch.events.size(), 1u);
  EXPECT_EQ(batch.events[0].ts_ns(), 7u);
  EXPECT_EQ(batch.events[0].record().data(), ring.data());
}

TEST(RingWalker, FullRingDropsNewRecordsAndKeepsUnreadOnes) {
  TestRing ring;
  int accepted = 0;
  while (ring.push(openat(accepted, "/f" + std::to_string(accepted))) == PEREGRINE_RING_OK) {
    ++accepted;
  }
  EXPECT_EQ(ring.push(openat(999, "/late")), PEREGRINE_RING_FULL);
  EXPECT_EQ(ring.header()->drops, 2u);
  EXPECT_LE(ring.header()->head - ring.header()->tail, ring.header()->data_bytes);

  const RingBatch batch = collect_ring(ring.view());
  ASSERT_EQ(static_cast<int>(batch.events.size()), accepted);
  EXPECT_EQ(batch.events.front().as_string(1).value_or(""), "/f0");  // not overwritten
  EXPECT_EQ(batch.events.back().as_string(1).value_or(""), "/f" + std::to_string(accepted - 1));
  commit_ring(ring.view(), batch.new_tail);
  EXPECT_EQ(ring.push(openat(1000, "/after")), PEREGRINE_RING_OK);
}

TEST(RingWalker, TornRecordIsLeftForTheNextWalk) {
  TestRing ring;
  ASSERT_EQ(ring.push(openat(1, "/first")), PEREGRINE_RING_OK);
  const uint64_t first_end = ring.header()->head;
  ASSERT_EQ(ring.push(openat(2, "/second"), /*publish=*/false), PEREGRINE_RING_OK);
  ring.publish(first_end + 32);  // half of the second record is visible

  RingBatch batch = collect_ring(ring.view());
  EXPECT_TRUE(batch.incomplete);
  ASSERT_EQ(batch.events.size(), 1u);
  EXPECT_EQ(batch.new_tail, first_end);
  EXPECT_EQ(batch.corrupt_resyncs, 0u);
  commit_ring(ring.view(), batch.new_tail);

  ring.publish(ring.unpublished_head());
  batch = collect_ring(ring.view());
  EXPECT_FALSE(batch.incomplete);
  EXPECT_EQ(paths_of(batch), std::vector<std::string>{"/second"});
}

TEST(RingWalker, CorruptedLengthResynchronisesAtHead) {
  for (uint32_t bad_len : {20u, 0u, uint32_t{PEREGRINE_MAX_EVENT_SIZE} + 8, 0xffffffffu}) {
    TestRing ring;
    ASSERT_EQ(ring.push(openat(1, "/ok")), PEREGRINE_RING_OK);
    const uint64_t second = ring.header()->head;
    ASSERT_EQ(ring.push(openat(2, "/bad")), PEREGRINE_RING_OK);
    ASSERT_EQ(ring.push(openat(3, "/lost")), PEREGRINE_RING_OK);
    std::memcpy(ring.data() + second + offsetof(peregrine_event_hdr, len), &bad_len, 4);

    const RingBatch batch = collect_ring(ring.view());
    EXPECT_EQ(paths_of(batch), std::vector<std::string>{"/ok"}) << bad_len;
    EXPECT_EQ(batch.corrupt_resyncs, 1u);
    EXPECT_EQ(batch.new_tail, ring.header()->head);
    EXPECT_EQ(batch.bytes_skipped, ring.header()->head - second);
  }
}

TEST(RingWalker, RecordRunningPastTheDataAreaIsCorrupt) {
  TestRing ring;
  const uint32_t size = ring.header()->data_bytes;
  ring.header()->tail = ring.header()->head = size - 64;  // 64 bytes before the end
  std::vector<uint8_t> rec = openat(1, "/" + std::string(100, 'c'));
  std::memcpy(ring.data() + size - 64, rec.data(), 64);  // as if the module had split it
  ring.publish(size - 64 + PEREGRINE_RING_ALIGN_UP(rec.size()));
  const RingBatch batch = collect_ring(ring.view());
  EXPECT_TRUE(batch.events.empty());
  EXPECT_EQ(batch.corrupt_resyncs, 1u);
  EXPECT_EQ(batch.new_tail, ring.header()->head);
}

TEST(RingWalker, BadMagicAndBadPaddingAreCorrupt) {
  TestRing ring;
  ASSERT_EQ(ring.push(openat(1, "/a")), PEREGRINE_RING_OK);
  ring.data()[0] ^= 0xff;
  EXPECT_EQ(collect_ring(ring.view()).corrupt_resyncs, 1u);

  TestRing padded;
  peregrine_ring_pad pad{PEREGRINE_RING_PAD_MAGIC, 64};  // must run to the end: it does not
  std::memcpy(padded.data(), &pad, sizeof pad);
  padded.publish(64);
  EXPECT_EQ(collect_ring(padded.view()).corrupt_resyncs, 1u);
}

TEST(RingWalker, TailOutOfRangeIsCorruptAndTheModuleDropsRatherThanWrite) {
  TestRing ring;
  ASSERT_EQ(ring.push(openat(1, "/a")), PEREGRINE_RING_OK);
  ring.header()->tail = ring.header()->head + 8;  // a reader scribbled past head
  const RingBatch batch = collect_ring(ring.view());
  EXPECT_EQ(batch.corrupt_resyncs, 1u);
  EXPECT_EQ(batch.new_tail, ring.header()->head);
  peregrine_ring_slot slot{};
  EXPECT_EQ(peregrine_ring_place(ring.header()->head, ring.header()->tail,
                                 ring.header()->data_bytes, 64, &slot),
            PEREGRINE_RING_BAD_TAIL);
}

TEST(RingWalker, FramedButUndecodableRecordIsCountedAndSkipped) {
  TestRing ring;
  std::vector<uint8_t> unknown = RecordBuilder(PEREGRINE_EVT_CODE_OPENAT, 1, 1, 0, 1).build();
  const uint16_t bogus_type = 500;  // no such event
  std::memcpy(unknown.data() + offsetof(peregrine_event_hdr, type), &bogus_type, 2);
  ASSERT_EQ(ring.push(unknown), PEREGRINE_RING_OK);
  ASSERT_EQ(ring.push(openat(2, "/next")), PEREGRINE_RING_OK);
  const RingBatch batch = collect_ring(ring.view());
  EXPECT_EQ(batch.decode_errors, 1u);
  EXPECT_EQ(batch.corrupt_resyncs, 0u);
  EXPECT_EQ(paths_of(batch), std::vector<std::string>{"/next"});
  EXPECT_EQ(batch.new_tail, ring.header()->head);
}

TEST(RingWalker, MergesCpusInTimestampOrder) {
  TestRing cpu0(PEREGRINE_RING_MIN_DATA_BYTES, 0), cpu1(PEREGRINE_RING_MIN_DATA_BYTES, 1);
  for (uint64_t ts : {10, 30, 50}) cpu0.push(openat(ts, "/cpu0/" + std::to_string(ts), 0));
  for (uint64_t ts : {20, 30, 40, 60}) cpu1.push(openat(ts, "/cpu1/" + std::to_string(ts), 1));
  const std::vector<RingBatch> batches = {collect_ring(cpu0.view()), collect_ring(cpu1.view())};
  std::vector<std::string> order;
  const int n = merge_in_time_order(batches, [&](const RawEventView& e) {
    order.emplace_back(e.as_string(1).value_or("?"));
  });
  EXPECT_EQ(n, 7);
  EXPECT_EQ(order, (std::vector<std::string>{"/cpu0/10", "/cpu1/20", "/cpu0/30", "/cpu1/30",
                                             "/cpu1/40", "/cpu0/50", "/cpu1/60"}));
}

TEST(RingWalker, ChecksTheRingHeader) {
  TestRing ring;
  EXPECT_TRUE(check_ring_header(*ring.header()).ok());
  ring.header()->schema_version = PEREGRINE_SCHEMA_VERSION + 1;
  EXPECT_FALSE(check_ring_header(*ring.header()).ok());
  TestRing odd;
  odd.header()->data_bytes = PEREGRINE_RING_MIN_DATA_BYTES + 8;
  EXPECT_FALSE(check_ring_header(*odd.header()).ok());
}

}  // namespace
}  // namespace peregrine::driver
