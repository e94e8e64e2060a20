// The kernel module (driver/kmod) as a CaptureSource: the same records, decoded by the same
// reader, as the eBPF probe's, so everything after the source is shared.

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include <sys/wait.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>

#include "agent/capture/driver_captures.h"
#include "driver/kmod_reader/kmod_device.h"

extern char** environ;

namespace peregrine::agent {
namespace {

class KmodCapture final : public CaptureSource {
 public:
  explicit KmodCapture(std::unique_ptr<driver::KmodDevice> device)
      : device_(std::move(device)), offset_ns_(driver::boottime_to_realtime_offset_ns()) {}

  Result<int> next(int timeout_ms, const RecordCallback& on_record) override {
    auto n = device_->poll(timeout_ms, on_record);
    if (n) records_.fetch_add(static_cast<uint64_t>(*n), std::memory_order_relaxed);
    return n;
  }
  bool finished() const override { return false; }
  Status set_interesting(const driver::InterestSet& by_type) override { return device_->set_interesting(by_type); }
  CaptureStats stats() const override {
    CaptureStats s;
    s.records = records_.load(std::memory_order_relaxed);
    s.decode_errors = device_->decode_errors();
    if (auto c = device_->counters()) s.kernel_drops = c->drops_ring + c->drops_nested + c->drops_exec;
    return s;
  }
  int64_t realtime_offset_ns() const override { return offset_ns_; }

 private:
  std::unique_ptr<driver::KmodDevice> device_;
  int64_t offset_ns_;
  std::atomic<uint64_t> records_{0};
};

// Runs `modprobe peregrine`; an error carries what modprobe said, so the agent prints one line.
Status load_module() {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return make_error(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
  const char* argv[] = {"modprobe", "peregrine", nullptr};
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "modprobe", &actions, nullptr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  std::string said;
  char buf[512];
  for (ssize_t n; rc == 0 && (n = read(out[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    if (said.size() < 4096) said.append(buf, static_cast<size_t>(n));
  }
  close(out[0]);
  if (rc != 0) return make_error(std::string("cannot run modprobe: ") + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return make_error(std::string("waiting for modprobe: ") + std::strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
  for (auto& c : said)
    if (c == '\n') c = ' ';
  return make_error("'modprobe peregrine' failed" + (said.empty() ? std::string() : ": " + said) +
                    " (install the module with DKMS, see driver/kmod/README.md; the kernel must allow modules)");
}

}  // namespace

Result<std::unique_ptr<CaptureSource>> open_kmod_capture(const LiveCaptureOptions& options) {
  driver::KmodOptions ko;
  ko.ignore_tgid = options.ignore_tgid;
  ko.interesting = options.interesting;
  auto device = driver::KmodDevice::open(ko);
  if (!device && access(ko.device_path.c_str(), F_OK) != 0) {
    Status loaded = load_module();
    if (!loaded) return make_error(device.error().message + "; " + loaded.error().message);
    device = driver::KmodDevice::open(ko);
  }
  if (!device) return device.error();
  return std::unique_ptr<CaptureSource>(std::make_unique<KmodCapture>(std::move(*device)));
}

}  // namespace peregrine::agent
