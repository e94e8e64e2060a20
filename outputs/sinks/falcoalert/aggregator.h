#pragma once
// The falcoalert sink's memory: one entry per AlertKey with the events not yet written, fed by
// the event path in O(1) and drained by the one writer thread.
//
// Counting is exact while the process lives: an event is either pending in its entry, in flight
// with the writer (and returned to pending if the write fails), written, or — when a new key
// arrives while `max_keys` entries all still hold unwritten counts — refused and counted as an
// overflow. Entries whose counts are all written are evicted (oldest first) to make room.
//
// Thread-safety: add() and the read-outs from any thread; take_due() and finish() from the
// writer thread only. WriterState of an entry is touched only by the writer, only between
// take_due() and finish() of that entry, during which the entry is never evicted.

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/output/alert.h"
#include "outputs/sinks/falcoalert/alert_key.h"

namespace peregrine::outputs::falcoalert {

using AlertPtr = std::shared_ptr<const engine::Alert>;

// What the writer knows of the stored object (see writer.h).
struct WriterState {
  bool exists = false;          // created by us or found by a read
  std::string ns;               // the object's namespace ("" until first write)
  std::string resource_version;
  uint64_t count = 0;           // spec.count at resource_version
  std::string first_seen, last_seen;  // as stored
  nlohmann::json writer_marks = nlohmann::json::object();  // peregrine.dev/writer-* annotations
  // A write whose answer never came (it may or may not have been applied): its sequence number
  // and delta, settled by reading the object before the next write.
  uint64_t unsettled_seq = 0;
  uint64_t unsettled_delta = 0;
};

struct Entry {
  AlertKey key;
  std::string name;  // object_name(key)
  // Guarded by the aggregator's mutex:
  uint64_t pending = 0;
  uint64_t first_ns = 0, last_ns = 0;  // event times seen by this process
  AlertPtr sample;                     // the latest alert
  bool queued = false;                 // in the dirty queue
  bool in_flight = false;
  // Writer thread only (see the header comment):
  WriterState written;
};

// One entry's pending events, handed to the writer.
struct Due {
  Entry* entry = nullptr;
  uint64_t delta = 0;
  uint64_t first_ns = 0, last_ns = 0;
  AlertPtr sample;
};

class Aggregator {
 public:
  // `node_name` empty: each alert's hostname.
  Aggregator(size_t max_keys, std::string node_name);

  // Event path. False when the alert was refused (a new key with the map full of unwritten
  // counts); that event is counted in overflow().
  bool add(const AlertPtr& alert);

  // Up to `max` entries with pending events, oldest-dirty first, moved in flight.
  std::vector<Due> take_due(size_t max);
  // Ends a take_due() item: `written` of its delta are now stored (or given up); the rest goes
  // back to pending, to be written later.
  void finish(const Due& due, uint64_t written);

  size_t keys() const;
  uint64_t pending_events() const;  // pending + in flight
  size_t dirty_keys() const;
  uint64_t overflow() const;

 private:
  bool make_room_locked();

  const size_t max_keys_;
  const std::string node_name_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  std::deque<Entry*> dirty_;         // entries with pending events, each once (Entry::queued)
  std::deque<std::string> clean_;    // joined keys that became fully written, oldest first; may
                                     // hold stale duplicates, checked on use
  uint64_t pending_total_ = 0;
  uint64_t overflow_ = 0;
};

}  // namespace peregrine::outputs::falcoalert
