#include "outputs/core/spool.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace peregrine::outputs {
namespace fs = std::filesystem;
namespace {

constexpr uint32_t kMagic = 0x50524731;  // "PRG1"
constexpr size_t kHeader = 12;
constexpr uint32_t kMaxPayload = 16u << 20;

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

std::string encode(const Record& r) {
  nlohmann::ordered_json payload = {{"t", r.time_ns}, {"x", r.text}, {"a", r.json}};
  std::string body = payload.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::string out;
  put_u32(out, kMagic);
  put_u32(out, static_cast<uint32_t>(body.size()));
  put_u32(out, crc32(body));
  return out + body;
}

std::optional<Record> decode(const std::string& body) {
  auto p = nlohmann::ordered_json::parse(body, nullptr, false);
  if (p.is_discarded() || !p.is_object() || !p.contains("a") || !p["a"].is_object()) return std::nullopt;
  Record r;
  r.time_ns = p.value("t", uint64_t{0});
  r.text = p.value("x", "");
  r.json = std::move(p["a"]);
  r.rule = r.json.value("rule", "");
  r.source = r.json.value("source", "");
  r.priority = engine::parse_priority(r.json.value("priority", "debug")).value_or(engine::Priority::kDebug);
  if (r.json.contains("tags") && r.json["tags"].is_array())
    for (const auto& t : r.json["tags"])
      if (t.is_string()) r.tags.push_back(t.get<std::string>());
  return r;
}

Result<std::string> read_range(const std::string& path, uint64_t offset, size_t n) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error("spool: open " + path + ": " + std::strerror(errno));
  std::string out(n, '\0');
  ssize_t got = ::pread(fd, out.data(), n, static_cast<off_t>(offset));
  ::close(fd);
  if (got < 0) return make_error("spool: read " + path + ": " + std::strerror(errno));
  out.resize(static_cast<size_t>(got));
  return out;
}

}  // namespace

uint32_t crc32(std::string_view data) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char ch : data) crc = table[(crc ^ ch) & 0xff] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

Result<std::unique_ptr<Spool>> Spool::open(std::string dir, uint64_t max_bytes) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error("spool: cannot create " + dir + ": " + ec.message());
  std::unique_ptr<Spool> s(new Spool(std::move(dir), max_bytes));
  // Several segments, so delivered space is given back before the whole spool drains.
  s->segment_bytes_ = std::max<uint64_t>(16 * 1024, max_bytes / 8);
  if (auto st = s->recover(); !st) return st.error();
  return s;
}

std::string Spool::segment_path(uint64_t segment) const {
  char name[40];
  std::snprintf(name, sizeof name, "seg-%020llu.log", static_cast<unsigned long long>(segment));
  return dir_ + "/" + name;
}

Status Spool::recover() {
  for (const auto& entry : fs::directory_iterator(dir_)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("seg-") && name.ends_with(".log"))
      segments_.push_back(std::stoull(name.substr(4, 20)));
  }
  std::sort(segments_.begin(), segments_.end());
  std::string cursor = read_range(dir_ + "/cursor", 0, 64).ok() ? *read_range(dir_ + "/cursor", 0, 64) : "";
  unsigned long long seg = 0, off = 0;
  if (std::sscanf(cursor.c_str(), "%llu %llu", &seg, &off) == 2) read_ = {seg, off};
  else if (!segments_.empty()) read_ = {segments_.front(), 0};
  // Segments wholly before the cursor were delivered (a crash came before their deletion).
  while (!segments_.empty() && segments_.front() < read_.segment) {
    fs::remove(segment_path(segments_.front()));
    segments_.erase(segments_.begin());
  }
  if (segments_.empty()) {
    segments_.push_back(read_.segment);
    read_.offset = 0;
  } else if (read_.segment < segments_.front()) {
    read_ = {segments_.front(), 0};
  }
  // Walk every record from the cursor: count them, and cut off a torn or corrupt tail.
  Position pos = read_;
  for (;;) {
    uint64_t before_segment = pos.segment, before_offset = pos.offset;
    uint64_t corrupt_before = corrupt_;
    auto rec = read_at(pos);
    if (!rec.ok()) return rec.error();
    if (corrupt_ != corrupt_before) {
      // Keep what precedes the damage; later segments (none, after a crash) are removed too.
      fs::resize_file(segment_path(before_segment), before_offset);
      while (segments_.back() != before_segment) {
        fs::remove(segment_path(segments_.back()));
        segments_.pop_back();
      }
      break;
    }
    if (!*rec) break;
    ++pending_;
  }
  bytes_ = 0;
  for (uint64_t s : segments_) {
    std::error_code ec;
    auto size = fs::file_size(segment_path(s), ec);
    bytes_ += ec ? 0 : size;
    write_offset_ = ec ? 0 : size;
  }
  peek_end_ = read_;
  return write_cursor();
}

Result<std::optional<Record>> Spool::read_at(Position& pos) {
  for (;;) {
    std::string path = segment_path(pos.segment);
    auto header = read_range(path, pos.offset, kHeader);
    if (!header.ok() && fs::exists(path)) return header.error();
    if (header.ok() && header->size() == kHeader) {
      uint32_t magic = get_u32(header->data()), len = get_u32(header->data() + 4),
               crc = get_u32(header->data() + 8);
      if (magic != kMagic || len > kMaxPayload) {
        ++corrupt_;
        return std::optional<Record>();
      }
      auto body = read_range(path, pos.offset + kHeader, len);
      if (!body.ok()) return body.error();
      std::optional<Record> rec;
      if (body->size() == len && crc32(*body) == crc) rec = decode(*body);
      if (!rec) {
        ++corrupt_;
        return std::optional<Record>();
      }
      pos.offset += kHeader + len;
      return rec;
    }
    if (header.ok() && !header->empty()) {  // a torn header at the end
      ++corrupt_;
      return std::optional<Record>();
    }
    // End of this segment: move on to the next one, if any.
    auto next = std::upper_bound(segments_.begin(), segments_.end(), pos.segment);
    if (next == segments_.end()) return std::optional<Record>();
    pos = {*next, 0};
  }
}

Result<size_t> Spool::append(std::span<const Record> records) {
  std::string out;
  size_t fitted = 0;
  for (const auto& r : records) {
    std::string encoded = encode(r);
    if (bytes_ + out.size() + encoded.size() > max_bytes_) break;
    out += encoded;
    ++fitted;
  }
  if (out.empty()) return fitted;
  if (write_offset_ >= segment_bytes_) {
    segments_.push_back(segments_.back() + 1);
    write_offset_ = 0;
  }
  std::string path = segment_path(segments_.back());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("spool: open " + path + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return make_error("spool: write " + path + ": " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  // fdatasync: an acknowledged alert must survive a crash of the agent, not just of the sink.
  ::fdatasync(fd);
  ::close(fd);
  write_offset_ += out.size();
  bytes_ += out.size();
  pending_ += fitted;
  return fitted;
}

Result<std::vector<Record>> Spool::peek(size_t max) {
  std::vector<Record> out;
  peeked_ends_.clear();
  Position pos = read_;
  while (out.size() < max) {
    auto rec = read_at(pos);
    if (!rec.ok()) return rec.error();
    if (!*rec) break;
    out.push_back(std::move(**rec));
    peeked_ends_.push_back(pos);
  }
  return out;
}

Status Spool::commit(size_t n) {
  if (n == 0) return {};
  if (n > peeked_ends_.size()) return make_error("spool: commit beyond what was peeked");
  read_ = peeked_ends_[n - 1];
  peeked_ends_.clear();
  pending_ -= std::min<uint64_t>(pending_, n);
  if (auto st = write_cursor(); !st) return st;
  // Give back the space of segments the cursor has left behind.
  while (segments_.size() > 1 && segments_.front() < read_.segment) {
    std::error_code ec;
    bytes_ -= std::min<uint64_t>(bytes_, fs::file_size(segment_path(segments_.front()), ec));
    fs::remove(segment_path(segments_.front()), ec);
    segments_.erase(segments_.begin());
  }
  // Fully drained: start over in a fresh segment, so delivered bytes stop counting at once.
  if (pending_ == 0) {
    uint64_t next = segments_.back() + 1;
    std::error_code ec;
    fs::remove(segment_path(segments_.back()), ec);
    segments_ = {next};
    read_ = {next, 0};
    write_offset_ = 0;
    bytes_ = 0;
    return write_cursor();
  }
  return {};
}

Status Spool::write_cursor() {
  std::string tmp = dir_ + "/cursor.tmp";
  std::string text = std::to_string(read_.segment) + " " + std::to_string(read_.offset) + "\n";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error("spool: open " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::fdatasync(fd);
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), (dir_ + "/cursor").c_str()) != 0)
    return make_error("spool: cannot write cursor in " + dir_ + ": " + std::strerror(errno));
  return {};
}

}  // namespace peregrine::outputs
