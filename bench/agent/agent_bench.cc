// The agent benchmark's workloads, timed: (1) open/close of one file N times, (2) the
// dd-style 1-byte read/write loop, optionally (--empty-hooks) with empty eBPF programs on the
// probe's hooks — the floor. bench/agent/run_bench.py runs it without the agent, with the
// empty hooks and with the agent, in one run, and writes the ratios.
//
// usage: agent_bench [--empty-hooks] openclose N FILE | dd N
// prints: "<workload> <wall seconds> <CPU seconds of this process, user + system>"
// (the CPU time includes the probe's work in the kernel on this process's syscalls, and not
// the time other processes held the CPU: the steadier figure on a loaded machine)

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

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

}  // namespace

int main(int argc, char** argv) {
  int i = 1;
  EmptyHooks hooks;
  if (i < argc && std::strcmp(argv[i], "--empty-hooks") == 0) {
    hooks.skel = empty_hooks__open_and_load();
    if (!hooks.skel || empty_hooks__attach(hooks.skel) != 0) {
      std::fprintf(stderr, "agent_bench: loading the empty programs failed (root? BTF?)\n");
      return 1;
    }
    ++i;
  }
  if (i >= argc) {
    std::fprintf(stderr, "usage: agent_bench [--empty-hooks] openclose N FILE | dd N\n");
    return 1;
  }
  std::string what = argv[i];
  double start = now_s();
  double start_cpu = cpu_s();
  int rc = 1;
  if (what == "openclose" && i + 2 < argc) rc = open_close(std::atol(argv[i + 1]), argv[i + 2]);
  else if (what == "dd" && i + 1 < argc) rc = dd(std::atol(argv[i + 1]));
  double elapsed = now_s() - start;
  double cpu = cpu_s() - start_cpu;
  if (rc != 0) return rc;
  std::printf("%s %.6f %.6f\n", what.c_str(), elapsed, cpu);
  return 0;
}
