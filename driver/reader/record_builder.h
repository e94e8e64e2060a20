#pragma once
// Writes records in the driver layout (driver/event_schema.h), parameter by parameter, the
// way the probe does: for tests, fuzz seeds and synthetic events. Not thread-safe.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "driver/reader/event_view.h"

namespace peregrine::driver {

class RecordBuilder {
 public:
  RecordBuilder(uint16_t type, uint32_t tid, uint32_t pid, int64_t res, uint64_t ts_ns = 0);

  RecordBuilder& flags(uint16_t flags);
  RecordBuilder& cpu(uint32_t cpu);
  RecordBuilder& prior_close(int64_t fd);  // hdr.prior_close = fd + 1
  // Appends one parameter. Integers are written at the width given by the call.
  RecordBuilder& i64(int64_t v);
  RecordBuilder& u64(uint64_t v);
  RecordBuilder& i32(int32_t v);
  RecordBuilder& u32(uint32_t v);
  RecordBuilder& str(std::string_view s);  // adds the terminating NUL
  RecordBuilder& strings(const std::vector<std::string_view>& items);  // STRARRAY
  RecordBuilder& bytes(std::span<const uint8_t> data);
  RecordBuilder& socktuple(const SockTuple& t);
  RecordBuilder& absent();  // a zero-length parameter

  // The record: header with len and nparams filled in, lengths, data.
  std::vector<uint8_t> build() const;

 private:
  peregrine_event_hdr hdr_{};
  std::vector<uint16_t> lens_;
  std::vector<uint8_t> data_;
};

}  // namespace peregrine::driver
