#include "driver/reader/event_view.h"

#include <time.h>

#include <cstring>
#include <string>

namespace peregrine::driver {
namespace {

constexpr uint32_t kHeaderSize = sizeof(peregrine_event_hdr);

template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

Error bad(const std::string& what) { return make_error("driver record: " + what); }

}  // namespace

Result<RawEventView> decode_event(std::span<const uint8_t> buf) {
  if (buf.size() < kHeaderSize) {
    return bad("short buffer: " + std::to_string(buf.size()) + " bytes, header needs 48");
  }
  peregrine_event_hdr hdr;
  std::memcpy(&hdr, buf.data(), kHeaderSize);
  if (hdr.magic != PEREGRINE_EVENT_MAGIC) return bad("bad magic");
  if (hdr.version != PEREGRINE_SCHEMA_VERSION) {
    return bad("schema version " + std::to_string(hdr.version) + ", this reader reads " +
               std::to_string(PEREGRINE_SCHEMA_VERSION));
  }
  if (hdr.len < kHeaderSize || hdr.len > buf.size()) {
    return bad("length " + std::to_string(hdr.len) + " outside buffer of " +
               std::to_string(buf.size()));
  }
  const EventInfo* info = event_info(hdr.type);
  if (info == nullptr) return bad("unknown event type " + std::to_string(hdr.type));
  if (hdr.nparams > PEREGRINE_MAX_PARAMS) {
    return bad("too many parameters: " + std::to_string(hdr.nparams));
  }
  const uint32_t data_start = kHeaderSize + 2u * hdr.nparams;
  if (data_start > hdr.len) return bad("parameter lengths run past the record");

  RawEventView view;
  view.record_ = buf.first(hdr.len);
  view.info_ = info;
  view.type_ = hdr.type;
  view.flags_ = hdr.flags;
  view.ts_ns_ = hdr.ts_ns;
  view.tid_ = hdr.tid;
  view.pid_ = hdr.pid;
  view.res_ = hdr.res;
  view.cpu_ = hdr.cpu;
  view.prior_close_ = hdr.prior_close;
  view.nparams_ = hdr.nparams;

  uint32_t offset = data_start;
  for (uint32_t i = 0; i < hdr.nparams; ++i) {
    const uint16_t len = load<uint16_t>(buf.data() + kHeaderSize + 2u * i);
    view.offsets_[i] = offset;
    if (len > hdr.len - offset) {
      return bad("parameter " + std::to_string(i) + " runs past the record");
    }
    if (i < info->params.size()) {
      const uint32_t width = fixed_width(info->params[i].type);
      if (width != 0 && len != 0 && len != width) {
        return bad(std::string(info->name) + "." + std::string(info->params[i].name) + " is " +
                   std::to_string(len) + " bytes, expected " + std::to_string(width));
      }
    }
    offset += len;
  }
  if (offset != hdr.len) return bad("parameters do not fill the record exactly");
  view.offsets_[hdr.nparams] = offset;
  return view;
}

std::optional<std::string_view> RawEventView::as_string(uint32_t i) const {
  const ParamType type = type_of(i);
  if (type != ParamType::kString && type != ParamType::kFsPath) return std::nullopt;
  const auto bytes = param(i);
  if (bytes.empty()) return std::nullopt;
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return text.substr(0, text.find('\0'));
}

std::optional<std::vector<std::string_view>> RawEventView::as_strings(uint32_t i) const {
  if (type_of(i) != ParamType::kStrArray) return std::nullopt;
  const auto bytes = param(i);
  if (bytes.empty()) return std::nullopt;
  std::string_view rest(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::vector<std::string_view> out;
  while (!rest.empty()) {
    const size_t nul = rest.find('\0');
    out.push_back(rest.substr(0, nul));
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  return out;
}

std::optional<SockTuple> RawEventView::as_socktuple(uint32_t i) const {
  if (type_of(i) != ParamType::kSockTuple) return std::nullopt;
  const auto bytes = param(i);
  if (bytes.size() < sizeof(peregrine_socktuple)) return std::nullopt;
  peregrine_socktuple raw;
  std::memcpy(&raw, bytes.data(), sizeof raw);
  SockTuple t;
  t.family = raw.family;
  t.type = raw.type;
  t.protocol = raw.protocol;
  t.lport = raw.lport;
  t.rport = raw.rport;
  std::memcpy(t.laddr.data(), raw.laddr, 16);
  std::memcpy(t.raddr.data(), raw.raddr, 16);
  if (bytes.size() > sizeof raw) {
    std::string_view path(reinterpret_cast<const char*>(bytes.data()) + sizeof raw,
                          bytes.size() - sizeof raw);
    t.unix_path = path.substr(0, path.find('\0'));
  }
  return t;
}

namespace {

template <typename T>
std::optional<T> by_name(const RawEventView& raw, std::string_view name,
                         std::optional<T> (RawEventView::*read)(uint32_t) const) {
  const int i = raw.index_of(name);
  return i < 0 ? std::nullopt : (raw.*read)(static_cast<uint32_t>(i));
}

}  // namespace

std::optional<std::string_view> RawEventView::string_param(std::string_view name) const {
  return by_name(*this, name, &RawEventView::as_string);
}
std::optional<SockTuple> RawEventView::socktuple_param(std::string_view name) const {
  return by_name(*this, name, &RawEventView::as_socktuple);
}

int64_t boottime_to_realtime_offset_ns() {
  timespec real{}, boot{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_BOOTTIME, &boot);
  return (static_cast<int64_t>(real.tv_sec) - boot.tv_sec) * 1'000'000'000 +
         (real.tv_nsec - boot.tv_nsec);
}

}  // namespace peregrine::driver
