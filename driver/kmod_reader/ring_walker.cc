#include "driver/kmod_reader/ring_walker.h"

#include <atomic>
#include <cstring>
#include <queue>
#include <string>

namespace peregrine::driver {
namespace {

static_assert(sizeof(peregrine_ring_header) == 256);
static_assert(offsetof(peregrine_ring_header, head) == 64);
static_assert(offsetof(peregrine_ring_header, tail) == 128);
static_assert(offsetof(peregrine_ring_header, drops) == 200);
static_assert(sizeof(peregrine_ring_pad) == PEREGRINE_RING_ALIGN);

uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

Status check_ring_header(const peregrine_ring_header& h) {
  if (h.magic != PEREGRINE_RING_MAGIC) return make_error("ring header has a bad magic number");
  if (h.abi_version != PEREGRINE_RING_ABI_VERSION) {
    return make_error("ring ABI version " + std::to_string(h.abi_version) + ", expected " +
                      std::to_string(PEREGRINE_RING_ABI_VERSION));
  }
  if (h.schema_version != PEREGRINE_SCHEMA_VERSION) {
    return make_error("ring carries event schema " + std::to_string(h.schema_version) +
                      ", this reader reads " + std::to_string(PEREGRINE_SCHEMA_VERSION));
  }
  const uint32_t n = h.data_bytes;
  if (n < PEREGRINE_RING_MIN_DATA_BYTES || n > PEREGRINE_RING_MAX_DATA_BYTES || (n & (n - 1))) {
    return make_error("ring data size " + std::to_string(n) + " is not a power of two in range");
  }
  return {};
}

RingBatch collect_ring(const RingView& ring) {
  RingBatch batch;
  const uint32_t size = ring.header->data_bytes;
  const uint64_t mask = size - 1;
  const uint64_t head = std::atomic_ref<__u64>(ring.header->head).load(std::memory_order_acquire);
  uint64_t pos = std::atomic_ref<__u64>(ring.header->tail).load(std::memory_order_relaxed);
  batch.new_tail = pos;

  auto resync = [&] {
    ++batch.corrupt_resyncs;
    batch.bytes_skipped += head - pos;
    batch.new_tail = head;
  };
  if (head - pos > size) {  // positions out of range: nothing between them can be trusted
    resync();
    return batch;
  }
  while (pos != head) {
    const uint64_t avail = head - pos;
    const uint64_t off = pos & mask;
    if (avail < PEREGRINE_RING_ALIGN || (off % PEREGRINE_RING_ALIGN) != 0) {
      resync();
      break;
    }
    const uint8_t* entry = ring.data + off;
    const uint32_t magic = load_u32(entry);
    if (magic == PEREGRINE_RING_PAD_MAGIC) {
      const uint32_t len = load_u32(entry + 4);
      if (len != size - off || len > avail) {
        resync();
        break;
      }
      pos += len;
      batch.new_tail = pos;
      continue;
    }
    if (magic != PEREGRINE_EVENT_MAGIC || avail < 12) {
      resync();
      break;
    }
    const uint32_t len = load_u32(entry + offsetof(peregrine_event_hdr, len));
    if (len < sizeof(peregrine_event_hdr) || len > PEREGRINE_MAX_EVENT_SIZE || off + len > size) {
      resync();
      break;
    }
    const uint64_t aligned = PEREGRINE_RING_ALIGN_UP(uint64_t{len});
    if (aligned > avail) {  // the rest is not published yet: a torn read
      batch.incomplete = true;
      break;
    }
    auto view = decode_event({entry, len});
    if (view.ok()) {
      batch.events.push_back(*view);
    } else {
      ++batch.decode_errors;
    }
    pos += aligned;
    batch.new_tail = pos;
  }
  return batch;
}

void commit_ring(const RingView& ring, uint64_t new_tail) {
  std::atomic_ref<__u64>(ring.header->tail).store(new_tail, std::memory_order_release);
}

int merge_in_time_order(std::span<const RingBatch> batches,
                        const std::function<void(const RawEventView&)>& on_event) {
  struct Cursor {
    uint64_t ts;
    size_t batch;
    size_t index;
  };
  auto later = [](const Cursor& a, const Cursor& b) {
    if (a.ts != b.ts) return a.ts > b.ts;
    return a.batch > b.batch;
  };
  std::priority_queue<Cursor, std::vector<Cursor>, decltype(later)> next(later);
  for (size_t b = 0; b < batches.size(); ++b) {
    if (!batches[b].events.empty()) next.push({batches[b].events[0].ts_ns(), b, 0});
  }
  int delivered = 0;
  while (!next.empty()) {
    Cursor c = next.top();
    next.pop();
    const auto& events = batches[c.batch].events;
    on_event(events[c.index]);
    ++delivered;
    if (++c.index < events.size()) next.push({events[c.index].ts_ns(), c.batch, c.index});
  }
  return delivered;
}

}  // namespace peregrine::driver
