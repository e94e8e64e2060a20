#pragma once
// Decoding one driver record (layout in driver/event_schema.h and driver/README.md).
//
// decode_event() validates the whole record up front — magic, version, known type, every
// length against the buffer, fixed-width parameters at their exact width — so the accessors
// of the RawEventView it returns never read outside the record. A view borrows the buffer:
// the caller keeps it alive and unchanged while the view is in use. Views are cheap to copy;
// concurrent reads are safe.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "driver/event_schema.h"
#include "driver/reader/param_table.h"

namespace peregrine::driver {

// A PEREGRINE_PT_SOCKTUPLE parameter. Addresses in network byte order (IPv4 in the first 4
// bytes), ports in host order; `local` is the calling process's end.
struct SockTuple {
  uint16_t family = 0;    // AF_INET, AF_INET6, AF_UNIX
  uint16_t type = 0;      // SOCK_STREAM, ...
  uint16_t protocol = 0;  // IPPROTO_TCP, ...
  uint16_t lport = 0;
  uint16_t rport = 0;
  std::array<uint8_t, 16> laddr{};
  std::array<uint8_t, 16> raddr{};
  std::string_view unix_path;  // AF_UNIX only; empty when unknown
};

class RawEventView {
 public:
  uint16_t type() const { return type_; }
  uint16_t flags() const { return flags_; }
  bool truncated() const { return (flags_ & PEREGRINE_EVF_TRUNCATED) != 0; }
  uint64_t ts_ns() const { return ts_ns_; }  // CLOCK_BOOTTIME
  uint32_t tid() const { return tid_; }
  uint32_t pid() const { return pid_; }
  int64_t res() const { return res_; }
  uint32_t cpu() const { return cpu_; }
  // A close this thread made before this event, folded into it by the driver (hdr.prior_close).
  std::optional<int64_t> prior_close() const {
    if (prior_close_ == 0) return std::nullopt;
    return int64_t{prior_close_} - 1;
  }
  uint16_t nparams() const { return nparams_; }
  // The whole record, header included.
  std::span<const uint8_t> record() const { return record_; }
  // The table entry of this type (decode_event only accepts known types).
  const EventInfo& info() const { return *info_; }

  // Raw bytes of parameter i; empty when absent or i >= nparams().
  std::span<const uint8_t> param(uint32_t i) const {
    if (i >= nparams_) return {};
    return record_.subspan(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  // Index of the parameter called `name`, or -1 (also when the record is too short to hold it).
  // Inline, like the integer reads below: the agent reads a few parameters of every record
  // by name, and a call chain per read was a measurable share of its time.
  int index_of(std::string_view name) const {
    if (info_ == nullptr) return -1;
    const size_t n = std::min<size_t>(info_->params.size(), nparams_);
    for (size_t i = 0; i < n; ++i)
      if (info_->params[i].name == name) return static_cast<int>(i);
    return -1;
  }

  // Typed reads; nullopt when absent or of another encoding.
  // Integers: S64/U64/S32/U32/FD/PID/UID/GID/FLAGS*/MODE/SIGNAL, sign-extended for signed ones.
  std::optional<int64_t> as_int(uint32_t i) const {
    const ParamType type = type_of(i);
    const uint32_t width = fixed_width(type);
    const auto bytes = param(i);
    if (width == 0 || bytes.size() != width) return std::nullopt;
    if (width == 8) return load<int64_t>(bytes.data());
    if (is_signed(type)) return load<int32_t>(bytes.data());
    return static_cast<int64_t>(load<uint32_t>(bytes.data()));
  }
  // The same bits as as_int: signed 32-bit types sign-extended, unsigned ones zero-extended.
  std::optional<uint64_t> as_uint(uint32_t i) const {
    const auto v = as_int(i);
    return v ? std::optional<uint64_t>(static_cast<uint64_t>(*v)) : std::nullopt;
  }
  // STRING/FSPATH: the text before the first NUL.
  std::optional<std::string_view> as_string(uint32_t i) const;
  // STRARRAY: each NUL-terminated string (a last unterminated one included).
  std::optional<std::vector<std::string_view>> as_strings(uint32_t i) const;
  std::optional<SockTuple> as_socktuple(uint32_t i) const;

  // The same reads by the parameter's schema name ("fd", "name", ...); nullopt when the
  // type or the record has no such parameter.
  std::optional<int64_t> int_param(std::string_view name) const {
    const int i = index_of(name);
    return i < 0 ? std::nullopt : as_int(static_cast<uint32_t>(i));
  }
  std::optional<uint64_t> uint_param(std::string_view name) const {
    const int i = index_of(name);
    return i < 0 ? std::nullopt : as_uint(static_cast<uint32_t>(i));
  }
  std::optional<std::string_view> string_param(std::string_view name) const;
  std::optional<SockTuple> socktuple_param(std::string_view name) const;

 private:
  friend Result<RawEventView> decode_event(std::span<const uint8_t> buf);

  ParamType type_of(uint32_t i) const {
    return i < info_->params.size() ? info_->params[i].type : ParamType::kNone;
  }
  template <typename T>
  static T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }

  std::span<const uint8_t> record_;
  const EventInfo* info_ = nullptr;
  uint64_t ts_ns_ = 0;
  int64_t res_ = 0;
  uint32_t tid_ = 0;
  uint32_t pid_ = 0;
  uint32_t cpu_ = 0;
  uint32_t prior_close_ = 0;
  uint16_t type_ = 0;
  uint16_t flags_ = 0;
  uint16_t nparams_ = 0;
  // offsets_[i] is where parameter i starts within record_; offsets_[nparams] is the end.
  std::array<uint32_t, PEREGRINE_MAX_PARAMS + 1> offsets_{};
};

// Validates and views one record. `buf` may extend past hdr.len (ring buffer padding).
Result<RawEventView> decode_event(std::span<const uint8_t> buf);

// CLOCK_REALTIME minus CLOCK_BOOTTIME now, in ns: add it to ts_ns() for wall-clock time.
int64_t boottime_to_realtime_offset_ns();

}  // namespace peregrine::driver
