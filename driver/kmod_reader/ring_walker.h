#pragma once
// Reading the kernel module's per-CPU rings (layout in driver/kmod/ring_layout.h) without the
// device: the walk works on any memory laid out as the module writes it, so it is tested on
// byte-exact buffers.
//
// collect_ring() takes the unread entries [tail, head) of one ring as views into its data
// area (decode_event), without consuming them; merge_in_time_order() delivers the views of
// several rings in ts_ns order; commit_ring() then hands the bytes back to the module. Views
// stay valid until their ring is committed. One thread reads a ring at a time.
//
// Error behaviour: a record that is framed correctly but fails decode_event is skipped and
// counted (decode_errors). Bytes that cannot be framed (bad magic, a length outside
// [48, PEREGRINE_MAX_EVENT_SIZE], a record running past the end of the data area, padding not
// ending at the end) are corrupt: the walk stops there and the new tail skips to head, so the
// reader resynchronises with what the module writes next (corrupt_resyncs, bytes_skipped).
// A record whose length runs past head is incomplete (a torn read): the walk stops before it
// and leaves it for the next walk.

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "driver/kmod/ring_layout.h"
#include "driver/reader/event_view.h"

namespace peregrine::driver {

// One ring as mapped: the header page and the data area right after it.
struct RingView {
  peregrine_ring_header* header = nullptr;
  uint8_t* data = nullptr;  // header->data_bytes bytes
};

struct RingBatch {
  std::vector<RawEventView> events;  // in ring order
  uint64_t new_tail = 0;             // where commit_ring() moves tail
  uint64_t decode_errors = 0;
  uint64_t corrupt_resyncs = 0;
  uint64_t bytes_skipped = 0;  // unread bytes given up by a resync
  bool incomplete = false;     // stopped before a record that runs past head
};

// The ring's header is sane (magic, versions, data_bytes a power of two within bounds).
Status check_ring_header(const peregrine_ring_header& header);

// Views of the unread entries of `ring` (head read with acquire ordering).
RingBatch collect_ring(const RingView& ring);

// Releases the bytes before new_tail to the module (a release store of tail).
void commit_ring(const RingView& ring, uint64_t new_tail);

// Calls on_event for every view of every batch, in ts_ns order (ring order among equal
// timestamps, lower batch index first). Returns how many were delivered.
int merge_in_time_order(std::span<const RingBatch> batches,
                        const std::function<void(const RawEventView&)>& on_event);

}  // namespace peregrine::driver
