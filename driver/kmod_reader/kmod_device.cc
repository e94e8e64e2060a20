#include "driver/kmod_reader/kmod_device.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "driver/kmod_reader/ring_walker.h"
#include "driver/reader/param_table.h"

namespace peregrine::driver {
namespace {

static_assert(sizeof(peregrine_kmod_info) == 24);
static_assert(sizeof(peregrine_kmod_interesting) == 64);
static_assert(sizeof(peregrine_kmod_counters) == 48);

constexpr int kIdleSleepMs = 10;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

class Mapping {
 public:
  Mapping(void* addr, size_t len) : addr_(addr), len_(len) {}
  ~Mapping() {
    if (addr_ != MAP_FAILED) munmap(addr_, len_);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  void* addr() const { return addr_; }

 private:
  void* addr_;
  size_t len_;
};

std::string open_error(const std::string& path, int err) {
  switch (err) {
    case ENOENT:
    case ENXIO:
    case ENODEV:
      return "kernel module 'peregrine' is not loaded (modprobe peregrine): " + path + ": " +
             strerror(err);
    case EBUSY:
      return path + " is in use by another reader (the module admits one at a time)";
    case EACCES:
    case EPERM:
      return "opening " + path + " needs root: " + strerror(err);
    default:
      return "opening " + path + " failed: " + strerror(err);
  }
}

}  // namespace

peregrine_kmod_interesting interesting_bitmap(const InterestSet& by_type) {
  peregrine_kmod_interesting set{};
  auto turn_on = [&](uint32_t code) { set.bits[code / 64] |= uint64_t{1} << (code % 64); };
  for (uint32_t code = 0; code < PEREGRINE_SYSCALL_CODE_LIMIT && code < by_type.size(); ++code) {
    if (by_type[code] != Interest::kNone && event_info(static_cast<uint16_t>(code)) != nullptr) turn_on(code);
  }
  for (uint16_t code : KmodDevice::lifecycle_events()) {
    if (code < PEREGRINE_SYSCALL_CODE_LIMIT) turn_on(code);
  }
  return set;
}

struct KmodDevice::Impl {
  // Mappings are declared after the fd so that they are unmapped before it closes.
  Fd fd;
  std::vector<std::unique_ptr<Mapping>> maps;
  std::vector<RingView> rings;
  std::vector<RingBatch> batches;
  uint64_t decode_errors = 0;
  uint64_t corrupt_resyncs = 0;

  explicit Impl(int f) : fd(f) {}

  // One pass over every ring: deliver, then release. Returns the delivered count.
  int drain(const EventCallback& on_event) {
    batches.clear();
    for (const RingView& ring : rings) batches.push_back(collect_ring(ring));
    const int n = merge_in_time_order(batches, on_event);
    for (size_t i = 0; i < rings.size(); ++i) {
      decode_errors += batches[i].decode_errors;
      corrupt_resyncs += batches[i].corrupt_resyncs;
      if (batches[i].new_tail != rings[i].header->tail) commit_ring(rings[i], batches[i].new_tail);
    }
    return n;
  }
};

const std::vector<uint16_t>& KmodDevice::lifecycle_events() {
  static const std::vector<uint16_t> kEvents = {
      PEREGRINE_EVT_CODE_CLONE,  PEREGRINE_EVT_CODE_CLONE3,   PEREGRINE_EVT_CODE_FORK,
      PEREGRINE_EVT_CODE_VFORK,  PEREGRINE_EVT_CODE_EXECVE,   PEREGRINE_EVT_CODE_EXECVEAT,
      PEREGRINE_EVT_PROCEXIT};
  return kEvents;
}

Result<std::unique_ptr<KmodDevice>> KmodDevice::open(const KmodOptions& options) {
  const std::string& path = options.device_path;
  const int raw = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (raw < 0) return make_error(open_error(path, errno));
  auto impl = std::make_unique<Impl>(raw);
  const int fd = impl->fd.get();

  peregrine_kmod_info info{};
  if (ioctl(fd, PEREGRINE_IOCTL_GET_INFO, &info) != 0) {
    return make_error(path + ": reading the module's info failed: " + strerror(errno));
  }
  if (info.abi_version != PEREGRINE_KMOD_ABI_VERSION ||
      info.schema_version != PEREGRINE_SCHEMA_VERSION) {
    return make_error("the loaded peregrine module speaks ABI " + std::to_string(info.abi_version) +
                      " / schema " + std::to_string(info.schema_version) + ", this agent " +
                      std::to_string(PEREGRINE_KMOD_ABI_VERSION) + " / " +
                      std::to_string(PEREGRINE_SCHEMA_VERSION) + ": install the matching module");
  }
  for (uint32_t cpu = 0; cpu < info.nr_rings; ++cpu) {
    void* addr = mmap(nullptr, info.region_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                      static_cast<off_t>(cpu * info.region_bytes));
    if (addr == MAP_FAILED) {
      if (errno == ENXIO) continue;  // not a possible CPU: no ring
      return make_error(path + ": mapping the ring of CPU " + std::to_string(cpu) +
                        " failed: " + strerror(errno));
    }
    impl->maps.push_back(std::make_unique<Mapping>(addr, info.region_bytes));
    RingView ring{static_cast<peregrine_ring_header*>(addr),
                  static_cast<uint8_t*>(addr) + PEREGRINE_RING_HEADER_BYTES};
    if (Status s = check_ring_header(*ring.header); !s.ok()) {
      return make_error(path + ": ring of CPU " + std::to_string(cpu) + ": " + s.error().message);
    }
    impl->rings.push_back(ring);
  }
  if (impl->rings.empty()) return make_error(path + ": the module has no rings");

  if (ioctl(fd, PEREGRINE_IOCTL_SET_IGNORE_TGID, &options.ignore_tgid) != 0) {
    return make_error(path + ": setting the ignored process failed: " + strerror(errno));
  }
  std::unique_ptr<KmodDevice> device(new KmodDevice(std::move(impl)));
  InterestSet all;
  const InterestSet* initial = &options.interesting;
  if (options.interesting.empty()) {
    all.assign(PEREGRINE_SYSCALL_CODE_LIMIT, Interest::kFull);
    initial = &all;
  }
  if (Status s = device->set_interesting(*initial); !s.ok()) return s.error();
  if (ioctl(fd, PEREGRINE_IOCTL_ENABLE) != 0) {
    return make_error(path + ": enabling capture failed: " + strerror(errno));
  }
  return device;
}

KmodDevice::KmodDevice(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

KmodDevice::~KmodDevice() {
  if (impl_) ioctl(impl_->fd.get(), PEREGRINE_IOCTL_DISABLE);
}

Status KmodDevice::set_interesting(const InterestSet& by_type) {
  const peregrine_kmod_interesting set = interesting_bitmap(by_type);
  if (ioctl(impl_->fd.get(), PEREGRINE_IOCTL_SET_INTERESTING, &set) != 0) {
    return make_error("setting the interesting syscalls failed: " + std::string(strerror(errno)));
  }
  return {};
}

Result<int> KmodDevice::poll(int timeout_ms, const EventCallback& on_event) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    const int n = impl_->drain(on_event);
    if (n > 0 || timeout_ms == 0) return n;
    auto step = std::chrono::milliseconds(kIdleSleepMs);
    if (timeout_ms > 0) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return 0;
      step = std::min(step, left);
    }
    std::this_thread::sleep_for(step);
  }
}

Result<KmodCounters> KmodDevice::counters() const {
  peregrine_kmod_counters c{};
  if (ioctl(impl_->fd.get(), PEREGRINE_IOCTL_GET_COUNTERS, &c) != 0) {
    return make_error("reading the module counters failed: " + std::string(strerror(errno)));
  }
  return KmodCounters{c.events, c.drops_ring, c.drops_nested, c.drops_exec, c.truncated,
                      c.no_enter};
}

uint64_t KmodDevice::decode_errors() const { return impl_->decode_errors; }
uint64_t KmodDevice::corrupt_resyncs() const { return impl_->corrupt_resyncs; }

}  // namespace peregrine::driver
