#include "driver/bpf/bpf_probe.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/capability.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>

#include "driver/bpf/probe.h"
#include "driver/bpf/ring_reader.h"
#include "probe.skel.h"

namespace peregrine::driver {
namespace {

// /proc/sys/kernel/pid_max: tids are below it (32768 when it cannot be read, the kernel's
// default; a tid past the value read is just not folded).
uint32_t pid_max() {
  uint32_t value = 32768;
  if (FILE* f = std::fopen("/proc/sys/kernel/pid_max", "r")) {
    unsigned long v = 0;
    if (std::fscanf(f, "%lu", &v) == 1 && v > 0 && v <= (1u << 22)) value = static_cast<uint32_t>(v);
    std::fclose(f);
  }
  return value;
}

constexpr const char* kKernelBtf = "/sys/kernel/btf/vmlinux";

// libbpf reports through one process-wide print hook. While a probe loads, its messages
// (the verifier log among them) are kept so that a failure can quote them.
std::mutex g_log_mutex;
std::string* g_log = nullptr;

int capture_libbpf_log(libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG || g_log == nullptr) return 0;
  char line[1024];
  const int n = vsnprintf(line, sizeof line, format, args);
  if (n > 0) g_log->append(line);
  return n;
}

class LogCapture {
 public:
  LogCapture() : lock_(g_log_mutex) {
    g_log = &text_;
    previous_ = libbpf_set_print(capture_libbpf_log);
  }
  ~LogCapture() {
    libbpf_set_print(previous_);
    g_log = nullptr;
  }
  // The end of what libbpf printed (the verifier's verdict comes last), for an error message.
  std::string tail() const {
    constexpr size_t kMax = 800;
    std::string out = text_.size() > kMax ? text_.substr(text_.size() - kMax) : text_;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out.empty() ? "" : "; libbpf: " + out;
  }

 private:
  std::lock_guard<std::mutex> lock_;
  std::string text_;
  libbpf_print_fn_t previous_ = nullptr;
};

bool has_capability(int cap) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

// Why the kernel refused to load or attach: names the missing privilege when one is missing.
std::string privilege_hint(int err) {
  if (err != EPERM && err != EACCES) return "";
  constexpr int kCapPerfmon = 38, kCapBpf = 39;
  const bool bpf = has_capability(kCapBpf) || has_capability(CAP_SYS_ADMIN);
  const bool perfmon = has_capability(kCapPerfmon) || has_capability(CAP_SYS_ADMIN);
  if (!bpf || !perfmon) {
    return "loading BPF programs needs CAP_BPF and CAP_PERFMON or root (missing:" +
           std::string(bpf ? "" : " CAP_BPF") + std::string(perfmon ? "" : " CAP_PERFMON") +
           "); ";
  }
  return "the kernel refused although CAP_BPF and CAP_PERFMON are held (lockdown, or "
         "kernel.unprivileged_bpf_disabled for a user namespace?); ";
}

struct SkeletonDeleter {
  void operator()(probe* skel) const { probe::destroy(skel); }
};

bool is_power_of_two(uint32_t v) { return v != 0 && (v & (v - 1)) == 0; }

// The probe wakes the reader only when the unread data reaches 1/kWakeupFraction of the ring
// (probe.bpf.c, wakeup_bytes); below that, poll() looks every kPollTickMs on its own. The
// fraction leaves the rest of the ring to absorb a burst while the reader wakes; the tick
// bounds how late a record of a quiet system is read.
constexpr uint32_t kWakeupFraction = 16;
constexpr int kPollTickMs = 10;

}  // namespace

struct BpfProbe::Impl {
  std::unique_ptr<probe, SkeletonDeleter> skel;
  std::unique_ptr<RingReader> ring;
  uint64_t decode_errors = 0;
  EntryHook entry_hook = EntryHook::kRawSysEnter;
  std::string entry_hook_note;
};

const std::vector<uint16_t>& BpfProbe::lifecycle_events() {
  static const std::vector<uint16_t> kEvents = {
      PEREGRINE_EVT_CODE_CLONE,  PEREGRINE_EVT_CODE_CLONE3,   PEREGRINE_EVT_CODE_FORK,
      PEREGRINE_EVT_CODE_VFORK,  PEREGRINE_EVT_CODE_EXECVE,   PEREGRINE_EVT_CODE_EXECVEAT,
      PEREGRINE_EVT_PROCEXIT};
  return kEvents;
}

Result<std::unique_ptr<BpfProbe>> BpfProbe::open(const ProbeOptions& options) {
  if (access(kKernelBtf, R_OK) != 0) {
    return make_error(std::string("kernel BTF not found at ") + kKernelBtf +
                      ": the eBPF probe needs a kernel built with CONFIG_DEBUG_INFO_BTF "
                      "(use the kernel module driver instead)");
  }
  const auto page = static_cast<uint32_t>(sysconf(_SC_PAGESIZE));
  if (!is_power_of_two(options.ring_buffer_bytes) || options.ring_buffer_bytes % page != 0) {
    return make_error("ring buffer size " + std::to_string(options.ring_buffer_bytes) +
                      " must be a power of two and a multiple of the page size (" +
                      std::to_string(page) + ")");
  }

  auto impl = std::make_unique<Impl>();
  LogCapture log;
  impl->skel.reset(probe::open());
  if (!impl->skel) {
    const int err = errno;
    return make_error("opening the eBPF probe failed: " + std::string(strerror(err)) +
                      log.tail());
  }
  probe* skel = impl->skel.get();
  skel->rodata->ignore_tgid = options.ignore_tgid;
  skel->rodata->wakeup_bytes = options.ring_buffer_bytes / kWakeupFraction;
  if (int err = bpf_map__set_max_entries(skel->maps.events_map, options.ring_buffer_bytes)) {
    return make_error("sizing the ring buffer failed: " + std::string(strerror(-err)));
  }
  // One pending-close slot per possible tid (probe.bpf.c, pending_close_map).
  if (int err = bpf_map__set_max_entries(skel->maps.pending_close_map, pid_max())) {
    return make_error("sizing the pending-close map failed: " + std::string(strerror(-err)));
  }
  if (int err = probe::load(skel)) {
    return make_error("loading the eBPF probe failed: " + privilege_hint(-err) +
                      strerror(-err) + log.tail());
  }
  // The skeleton attaches every program left to auto-attach: one of the two entry hooks.
  ResolvedEntryHook resolved = resolve_entry_hook(options.entry_hook);
  impl->entry_hook = resolved.hook;
  impl->entry_hook_note = std::move(resolved.note);
  auto choose_entry_hook = [skel](EntryHook hook) {
    const bool tracepoints = hook == EntryHook::kSyscallTracepoints;
    bpf_program__set_autoattach(skel->progs.handle_sys_enter, !tracepoints);
    bpf_program__set_autoattach(skel->progs.handle_enter_execve, tracepoints);
    bpf_program__set_autoattach(skel->progs.handle_enter_execveat, tracepoints);
  };
  choose_entry_hook(impl->entry_hook);
  int attached = probe::attach(skel);
  if (attached != 0 && options.entry_hook == EntryHook::kAuto &&
      impl->entry_hook == EntryHook::kSyscallTracepoints) {
    impl->entry_hook_note =
        std::string("attaching the syscall tracepoints failed: ") + strerror(-attached);
    probe::detach(skel);
    impl->entry_hook = EntryHook::kRawSysEnter;
    choose_entry_hook(impl->entry_hook);
    attached = probe::attach(skel);
  }
  if (int err = attached) {
    return make_error("attaching the eBPF probe failed: " + privilege_hint(-err) +
                      strerror(-err) + log.tail());
  }
  auto ring = RingReader::open(bpf_map__fd(skel->maps.events_map), options.ring_buffer_bytes);
  if (!ring.ok()) return make_error("opening the ring buffer failed: " + ring.error().message);
  impl->ring = std::move(ring.value());

  std::unique_ptr<BpfProbe> probe_ptr(new BpfProbe(std::move(impl)));
  InterestSet all;
  const InterestSet* initial = &options.interesting;
  if (options.interesting.empty()) {
    all.assign(PEREGRINE_SYSCALL_CODE_LIMIT, Interest::kFull);
    initial = &all;
  }
  if (Status s = probe_ptr->set_interesting(*initial); !s.ok()) return s.error();
  return probe_ptr;
}

BpfProbe::BpfProbe(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
BpfProbe::~BpfProbe() = default;

Status BpfProbe::set_interesting(const InterestSet& by_type) {
  static_assert(static_cast<uint8_t>(Interest::kFull) == PEREGRINE_SEND_FULL);
  static_assert(static_cast<uint8_t>(Interest::kStateOnly) == PEREGRINE_SEND_STATE_ONLY);
  std::vector<uint8_t> send(PEREGRINE_SYSCALL_CODE_LIMIT, 0);
  for (uint32_t code = 0; code < send.size() && code < by_type.size(); ++code) {
    if (event_info(static_cast<uint16_t>(code)) != nullptr) send[code] = static_cast<uint8_t>(by_type[code]);
  }
  for (uint16_t code : lifecycle_events()) {
    if (code < send.size()) send[code] = PEREGRINE_SEND_FULL;
  }
  const int fd = bpf_map__fd(impl_->skel->maps.interesting_map);
  for (uint32_t code = 0; code < send.size(); ++code) {
    if (bpf_map_update_elem(fd, &code, &send[code], BPF_ANY) != 0) {
      return make_error("updating the interesting-syscalls map failed: " +
                        std::string(strerror(errno)));
    }
  }
  return {};
}

Result<int> BpfProbe::poll(int timeout_ms, const EventCallback& on_event) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 0));
  int delivered = 0;
  const RingReader::RecordCallback handle = [&](std::span<const uint8_t> record) {
    auto view = decode_event(record);
    if (!view.ok()) {
      ++impl_->decode_errors;
      return;
    }
    ++delivered;
    on_event(*view);
  };
  // Records below the wakeup threshold raise no epoll event: read what is there, and wait in
  // ticks, reading again after each (a wakeup only shortens the tick).
  for (;;) {
    impl_->ring->consume(handle);
    if (delivered > 0) break;
    int wait_ms = kPollTickMs;
    if (timeout_ms >= 0) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) break;
      wait_ms = std::min<int>(wait_ms, static_cast<int>(left.count()));
    }
    epoll_event ready;
    if (epoll_wait(epoll_fd(), &ready, 1, wait_ms) < 0) {
      if (errno == EINTR) break;  // the caller may have a signal to look at
      return make_error("waiting for the ring buffer failed: " + std::string(strerror(errno)));
    }
  }
  return delivered;
}

EntryHook BpfProbe::entry_hook() const { return impl_->entry_hook; }
const std::string& BpfProbe::entry_hook_note() const { return impl_->entry_hook_note; }

int BpfProbe::epoll_fd() const { return impl_->ring->epoll_fd(); }

uint64_t BpfProbe::decode_errors() const { return impl_->decode_errors; }

Result<ProbeCounters> BpfProbe::counters() const {
  const int ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) return make_error("counting possible CPUs failed");
  std::vector<peregrine_probe_counters> per_cpu(static_cast<size_t>(ncpus));
  const uint32_t key = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(impl_->skel->maps.counters_map), &key, per_cpu.data())) {
    return make_error("reading the probe counters failed: " + std::string(strerror(errno)));
  }
  ProbeCounters total;
  for (const auto& c : per_cpu) {
    total.events += c.events;
    total.drops_ringbuf += c.drops_ringbuf;
    total.drops_stash += c.drops_stash;
    total.truncated += c.truncated;
    total.no_enter += c.no_enter;
  }
  return total;
}

}  // namespace peregrine::driver
