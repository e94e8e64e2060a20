#include "agent/capture/file_capture.h"

#include <cstring>
#include <fstream>
#include <iterator>

#include "agent/capture/capture_format.h"
#include "driver/event_schema.h"

namespace peregrine::agent {
namespace {

template <typename T>
T get(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

Result<std::unique_ptr<FileCapture>> FileCapture::open(const std::string& path, SnapshotCallback on_snapshot) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(path + ": cannot open capture file");
  std::unique_ptr<FileCapture> c(new FileCapture());
  c->path_ = path;
  c->data_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  c->on_snapshot_ = std::move(on_snapshot);
  const auto& d = c->data_;
  if (d.size() < kCaptureHeaderSize || std::memcmp(d.data(), kCaptureMagic, sizeof kCaptureMagic) != 0) {
    return make_error(path + ": not a Peregrine capture file (bad magic)");
  }
  uint16_t version = get<uint16_t>(d.data() + 8);
  uint16_t schema = get<uint16_t>(d.data() + 10);
  if (version != kCaptureFormatVersion) {
    return make_error(path + ": capture format version " + std::to_string(version) + ", this build reads " +
                      std::to_string(kCaptureFormatVersion));
  }
  if (schema != PEREGRINE_SCHEMA_VERSION) {
    return make_error(path + ": records use event schema " + std::to_string(schema) + ", this build reads " +
                      std::to_string(PEREGRINE_SCHEMA_VERSION));
  }
  c->offset_ns_ = get<int64_t>(d.data() + 16);
  c->pos_ = kCaptureHeaderSize;
  return c;
}

Result<int> FileCapture::next(int, const RecordCallback& on_record) {
  constexpr int kBatch = 256;
  int n = 0;
  while (n < kBatch && pos_ + 8 <= data_.size()) {
    uint32_t kind = get<uint32_t>(data_.data() + pos_);
    uint32_t len = get<uint32_t>(data_.data() + pos_ + 4);
    if (len > kMaxBlockSize || pos_ + 8 + len > data_.size()) {
      pos_ = data_.size();  // a truncated last block ends the capture
      break;
    }
    std::span<const uint8_t> payload(data_.data() + pos_ + 8, len);
    size_t at = pos_;
    pos_ += 8 + len;
    if (kind == kBlockSnapshot) {
      if (on_snapshot_) {
        Status s = on_snapshot_(std::string(payload.begin(), payload.end()));
        if (!s) return make_error(path_ + ": block at offset " + std::to_string(at) + ": " + s.error().message);
      }
    } else if (kind == kBlockRecord) {
      auto view = driver::decode_event(payload);
      if (!view) {
        ++stats_.decode_errors;
        continue;
      }
      ++stats_.records;
      on_record(*view);
      ++n;
    }
    // Unknown block kinds are skipped: later versions may add some.
  }
  if (pos_ + 8 > data_.size()) pos_ = data_.size();
  return n;
}

}  // namespace peregrine::agent
