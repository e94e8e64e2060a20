// The agent benchmark's workloads, timed: (1) open/close of one file N times, (2) the
// dd-style 1-byte read/write loop, optionally (--empty-hooks) with empty eBPF programs on the
// probe's hooks — the floor — or (--probe RULES) with the real probe, set as the agent sets it
// for those rules, read by a thread that only counts the records: the probe's kernel cost
// without the agent's CPU beside it.
// bench/agent/run_bench.py runs it without the agent, with the empty hooks, with the probe
// alone and with the agent, in one run, and writes the ratios.
//
// usage: agent_bench [--empty-hooks | --probe RULES] openclose N FILE | dd N
// prints: "<workload> <wall seconds> <CPU seconds of this process, user + system>", and with
// --probe " <records read> <records dropped in the kernel>"
// (the CPU time includes the probe's work in the kernel on this process's syscalls, and not
// the time other processes held the CPU: the steadier figure on a loaded machine)

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "agent/runtime/interesting_set.h"
#include "agent/runtime/rules_loader.h"
#include "driver/bpf/bpf_probe.h"
#include "driver/bpf/syscall_tracepoints.h"
#include "empty_hooks.skel.h"

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

int open_close(long n, const char* path) {
  for (long i = 0; i < n; ++i) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      std::perror(path);
      return 1;
    }
    ::close(fd);
  }
  return 0;
}

// dd if=/dev/zero of=/dev/null bs=1 count=N, without dd's own start-up in the timing.
int dd(long n) {
  int in = ::open("/dev/zero", O_RDONLY | O_CLOEXEC);
  int out = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (in < 0 || out < 0) return 1;
  char c;
  for (long i = 0; i < n; ++i) {
    if (::read(in, &c, 1) != 1 || ::write(out, &c, 1) != 1) return 1;
  }
  ::close(in);
  ::close(out);
  return 0;
}

// RAII owner of the loaded, attached empty programs.
struct EmptyHooks {
  empty_hooks* skel = nullptr;
  ~EmptyHooks() {
    if (skel) empty_hooks__destroy(skel);
  }
};

// The real probe, sending what the agent would send for `rules` (what they read in full, the
// state's other events state-only), drained by a thread that counts the records and does
// nothing else with them.
class BareReader {
 public:
  bool start(const std::string& rules) {
    peregrine::engine::Engine engine("agent-bench");
    peregrine::agent::RulesLoad load = peregrine::agent::load_rules(engine, {rules});
    if (!load.rules) {
      const auto& m = load.errors.messages;
      std::fprintf(stderr, "agent_bench: %s\n", m.empty() ? "rules did not load" : m.front().c_str());
      return false;
    }
    peregrine::driver::ProbeOptions options;
    options.interesting =
        peregrine::agent::interesting_event_types(load.rules->ruleset->for_source("syscall"));
    auto probe = peregrine::driver::BpfProbe::open(options);
    if (!probe) {
      std::fprintf(stderr, "agent_bench: %s\n", probe.error().message.c_str());
      return false;
    }
    probe_ = std::move(*probe);
    thread_ = std::thread([this] {
      while (!stop_.load(std::memory_order_relaxed)) {
        (void)probe_->poll(10, [this](const peregrine::driver::RawEventView&) { ++records_; });
      }
    });
    return true;
  }
  // Stops once the records written so far are read; returns {records read, kernel drops}.
  std::pair<uint64_t, uint64_t> finish() {
    auto written = [this] {
      auto c = probe_->counters();
      return c ? c->events : 0;
    };
    for (int i = 0; i < 1000 && records_.load() < written(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stop_ = true;
    thread_.join();
    auto c = probe_->counters();
    return {records_.load(), c ? c->drops_ringbuf : 0};
  }
  ~BareReader() {
    if (thread_.joinable()) {
      stop_ = true;
      thread_.join();
    }
  }

 private:
  std::unique_ptr<peregrine::driver::BpfProbe> probe_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> records_{0};
};

}  // namespace

int main(int argc, char** argv) {
  int i = 1;
  EmptyHooks hooks;
  BareReader reader;
  bool probe = false;
  if (i < argc && std::strcmp(argv[i], "--empty-hooks") == 0) {
    hooks.skel = empty_hooks__open_and_load();
    if (hooks.skel) {
      const bool tracepoints =
          peregrine::driver::resolve_entry_hook(peregrine::driver::EntryHook::kAuto).hook ==
          peregrine::driver::EntryHook::kSyscallTracepoints;
      bpf_program__set_autoattach(hooks.skel->progs.handle_sys_enter, !tracepoints);
      bpf_program__set_autoattach(hooks.skel->progs.handle_enter_execve, tracepoints);
      bpf_program__set_autoattach(hooks.skel->progs.handle_enter_execveat, tracepoints);
    }
    if (!hooks.skel || empty_hooks__attach(hooks.skel) != 0) {
      std::fprintf(stderr, "agent_bench: loading the empty programs failed (root? BTF?)\n");
      return 1;
    }
    ++i;
  } else if (i + 1 < argc && std::strcmp(argv[i], "--probe") == 0) {
    if (!reader.start(argv[i + 1])) return 1;
    probe = true;
    i += 2;
  }
  if (i >= argc) {
    std::fprintf(stderr, "usage: agent_bench [--empty-hooks | --probe RULES] openclose N FILE | dd N\n");
    return 1;
  }
  std::string what = argv[i];
  auto workload = [&] {
    if (what == "openclose" && i + 2 < argc) return open_close(std::atol(argv[i + 1]), argv[i + 2]);
    if (what == "dd" && i + 1 < argc) return dd(std::atol(argv[i + 1]));
    return 1;
  };
  double start = now_s();
  double start_cpu = cpu_s();
  int rc = 1;
  double cpu = 0;
  if (probe) {
    // The reader is a thread of this process: the loop runs in a child, whose fd table is its
    // own, as a watched process's is (the probe folds closes only then), and whose CPU time
    // is its own.
    const pid_t child = fork();
    if (child < 0) return 1;
    if (child == 0) _exit(workload());
    int status = 0;
    rusage ru{};
    if (wait4(child, &status, 0, &ru) != child) return 1;
    rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
    cpu = secs(ru.ru_utime) + secs(ru.ru_stime);
  } else {
    rc = workload();
    cpu = cpu_s() - start_cpu;
  }
  double elapsed = now_s() - start;
  if (rc != 0) return rc;
  std::printf("%s %.6f %.6f", what.c_str(), elapsed, cpu);
  if (probe) {
    auto [records, drops] = reader.finish();
    std::printf(" %llu %llu", static_cast<unsigned long long>(records),
                static_cast<unsigned long long>(drops));
  }
  std::printf("\n");
  return 0;
}
