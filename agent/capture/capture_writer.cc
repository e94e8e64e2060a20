#include "agent/capture/capture_writer.h"

#include <cerrno>
#include <cstring>

#include "agent/capture/capture_format.h"
#include "driver/event_schema.h"

namespace peregrine::agent {
namespace {

template <typename T>
void put(uint8_t*& p, T v) {
  std::memcpy(p, &v, sizeof v);
  p += sizeof v;
}

}  // namespace

Result<std::unique_ptr<CaptureWriter>> CaptureWriter::create(const std::string& path, int64_t realtime_offset_ns) {
  std::FILE* f = std::fopen(path.c_str(), "wbe");
  if (!f) return make_error(path + ": cannot create capture file: " + std::strerror(errno));
  std::unique_ptr<CaptureWriter> w(new CaptureWriter(f));
  uint8_t header[kCaptureHeaderSize] = {};
  uint8_t* p = header;
  std::memcpy(p, kCaptureMagic, sizeof kCaptureMagic);
  p += sizeof kCaptureMagic;
  put<uint16_t>(p, kCaptureFormatVersion);
  put<uint16_t>(p, PEREGRINE_SCHEMA_VERSION);
  put<uint32_t>(p, 0);
  put<int64_t>(p, realtime_offset_ns);
  if (std::fwrite(header, 1, sizeof header, f) != sizeof header) {
    return make_error(path + ": cannot write capture header");
  }
  return w;
}

CaptureWriter::~CaptureWriter() {
  if (file_) std::fclose(file_);
}

Status CaptureWriter::write_block(uint32_t kind, std::span<const uint8_t> payload) {
  uint8_t head[8];
  uint8_t* p = head;
  put<uint32_t>(p, kind);
  put<uint32_t>(p, static_cast<uint32_t>(payload.size()));
  if (std::fwrite(head, 1, sizeof head, file_) != sizeof head ||
      std::fwrite(payload.data(), 1, payload.size(), file_) != payload.size()) {
    return make_error(std::string("capture write failed: ") + std::strerror(errno));
  }
  return {};
}

Status CaptureWriter::write_snapshot(const std::string& json) {
  return write_block(kBlockSnapshot, {reinterpret_cast<const uint8_t*>(json.data()), json.size()});
}

Status CaptureWriter::write_record(std::span<const uint8_t> record) {
  ++records_;
  return write_block(kBlockRecord, record);
}

Status CaptureWriter::flush() {
  if (std::fflush(file_) != 0) return make_error(std::string("capture flush failed: ") + std::strerror(errno));
  return {};
}

}  // namespace peregrine::agent
