#pragma once
// Per-thread evaluation state for one source's compiled rules: the event being evaluated and
// the lazily filled value of every field slot. Create one per thread with
// Ruleset::new_context(); reuse it for every event (its buffers keep their capacity, so the
// steady state allocates nothing). Not thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/compiler/field_table.h"
#include "engine/sources/event_source.h"

namespace peregrine::engine {

// What went wrong while evaluating, counted instead of thrown (STYLE.md "Errors").
struct EvalCounters {
  uint64_t events = 0;
  uint64_t missing_values = 0;     // a check read a field the event has no value for
  uint64_t transform_errors = 0;   // e.g. b64() of text that is not base64
};

class EvalContext {
 public:
  EvalContext(const EventSource& source, const FieldTable& table);

  void begin(const Event& event) {
    event_ = &event;
    ++epoch_;
    ++counters_.events;
  }
  const Event& event() const { return *event_; }
  const EventSource& source() const { return source_; }

  // The slot's value for the current event, or nullptr if the event has none.
  const Extraction* value(uint32_t slot) {
    Slot& s = slots_[slot];
    if (s.epoch != epoch_) fill(slot, s);
    if (!s.present) ++counters_.missing_values;
    return s.present ? s.result : nullptr;
  }

  // The memoized result of a shared macro for the current event, if computed yet.
  bool memo_known(uint32_t cell) const { return memo_[cell] >> 1 == epoch_; }
  bool memo_value(uint32_t cell) const { return memo_[cell] & 1; }
  std::optional<bool> memo(uint32_t cell) const {
    uint64_t m = memo_[cell];
    if (m >> 1 != epoch_) return std::nullopt;
    return (m & 1) != 0;
  }
  void set_memo(uint32_t cell, bool value) { memo_[cell] = epoch_ << 1 | (value ? 1 : 0); }

  // A scratch string for checks that need to render a non-string value as text.
  std::string& scratch() { return scratch_; }
  EvalCounters& counters() { return counters_; }

 private:
  // Cache-line aligned: a fill touches the header and raw's scalars (its first two lines).
  struct alignas(64) Slot {
    const FieldSlot* spec = nullptr;
    FieldExtractor extract = nullptr;  // the source's direct extractor, if it has one
    uint64_t epoch = 0;
    bool present = false;
    bool transformed = false;  // spec has transformers
    const Extraction* result = nullptr;
    Extraction raw;
    std::vector<Extraction> stages;  // one per transformer, innermost first
  };
  void fill(uint32_t index, Slot& s);

  const EventSource& source_;
  std::vector<Slot> slots_;
  std::vector<uint64_t> memo_;  // per cell: the epoch it was set in << 1 | its value
  const Event* event_ = nullptr;
  uint64_t epoch_ = 0;
  EvalCounters counters_;
  std::string scratch_;
};

}  // namespace peregrine::engine
