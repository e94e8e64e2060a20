#include "driver/reader/record_builder.h"

#include <cstring>

namespace peregrine::driver {
namespace {

template <typename T>
void append(std::vector<uint8_t>& out, const T& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof v);
}

}  // namespace

RecordBuilder::RecordBuilder(uint16_t type, uint32_t tid, uint32_t pid, int64_t res,
                             uint64_t ts_ns) {
  hdr_.magic = PEREGRINE_EVENT_MAGIC;
  hdr_.version = PEREGRINE_SCHEMA_VERSION;
  hdr_.type = type;
  hdr_.ts_ns = ts_ns;
  hdr_.tid = tid;
  hdr_.pid = pid;
  hdr_.res = res;
}

RecordBuilder& RecordBuilder::flags(uint16_t flags) {
  hdr_.flags = flags;
  return *this;
}

RecordBuilder& RecordBuilder::cpu(uint32_t cpu) {
  hdr_.cpu = cpu;
  return *this;
}

RecordBuilder& RecordBuilder::prior_close(int64_t fd) {
  hdr_.prior_close = static_cast<uint32_t>(fd + 1);
  return *this;
}

RecordBuilder& RecordBuilder::i64(int64_t v) { return bytes({reinterpret_cast<uint8_t*>(&v), 8}); }
RecordBuilder& RecordBuilder::u64(uint64_t v) { return bytes({reinterpret_cast<uint8_t*>(&v), 8}); }
RecordBuilder& RecordBuilder::i32(int32_t v) { return bytes({reinterpret_cast<uint8_t*>(&v), 4}); }
RecordBuilder& RecordBuilder::u32(uint32_t v) { return bytes({reinterpret_cast<uint8_t*>(&v), 4}); }

RecordBuilder& RecordBuilder::str(std::string_view s) {
  lens_.push_back(static_cast<uint16_t>(s.size() + 1));
  data_.insert(data_.end(), s.begin(), s.end());
  data_.push_back(0);
  return *this;
}

RecordBuilder& RecordBuilder::strings(const std::vector<std::string_view>& items) {
  size_t total = 0;
  for (std::string_view s : items) {
    data_.insert(data_.end(), s.begin(), s.end());
    data_.push_back(0);
    total += s.size() + 1;
  }
  lens_.push_back(static_cast<uint16_t>(total));
  return *this;
}

RecordBuilder& RecordBuilder::bytes(std::span<const uint8_t> data) {
  lens_.push_back(static_cast<uint16_t>(data.size()));
  data_.insert(data_.end(), data.begin(), data.end());
  return *this;
}

RecordBuilder& RecordBuilder::socktuple(const SockTuple& t) {
  peregrine_socktuple raw{};
  raw.family = t.family;
  raw.type = t.type;
  raw.protocol = t.protocol;
  raw.lport = t.lport;
  raw.rport = t.rport;
  std::memcpy(raw.laddr, t.laddr.data(), 16);
  std::memcpy(raw.raddr, t.raddr.data(), 16);
  std::vector<uint8_t> out;
  append(out, raw);
  if (!t.unix_path.empty()) {
    out.insert(out.end(), t.unix_path.begin(), t.unix_path.end());
    out.push_back(0);
  }
  return bytes(out);
}

RecordBuilder& RecordBuilder::absent() {
  lens_.push_back(0);
  return *this;
}

std::vector<uint8_t> RecordBuilder::build() const {
  peregrine_event_hdr hdr = hdr_;
  hdr.nparams = static_cast<uint16_t>(lens_.size());
  const size_t lens_bytes = 2 * lens_.size();
  hdr.len = static_cast<uint32_t>(sizeof hdr + lens_bytes + data_.size());
  // Sized once and filled with memcpy: GCC 12 misreports vector::insert here
  // (-Wstringop-overflow).
  std::vector<uint8_t> out(hdr.len);
  std::memcpy(out.data(), &hdr, sizeof hdr);
  if (!lens_.empty()) std::memcpy(out.data() + sizeof hdr, lens_.data(), lens_bytes);
  if (!data_.empty()) std::memcpy(out.data() + sizeof hdr + lens_bytes, data_.data(), data_.size());
  return out;
}

}  // namespace peregrine::driver
