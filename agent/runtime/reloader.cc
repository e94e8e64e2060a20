#include "agent/runtime/reloader.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace peregrine::agent {
namespace {

constexpr uint32_t kWatchMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                                IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB;

std::string parent_dir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void drain_fd(int fd) {
  char buf[4096];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}

}  // namespace

uint64_t wall_clock_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

Reloader::Reloader(const engine::Engine& engine, std::vector<std::string> paths, RulesetHolder& holder,
                   Metrics& metrics, Published on_published, Log log)
    : engine_(engine), paths_(std::move(paths)), holder_(holder), metrics_(metrics),
      on_published_(std::move(on_published)), log_(std::move(log)) {}

Reloader::~Reloader() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    if (::write(stop_fd_, &one, sizeof one) < 0) {
      // Nothing else can wake the thread; it also wakes on its poll timeout.
    }
    thread_.join();
  }
  for (int fd : {inotify_fd_, wake_fd_, stop_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void Reloader::add_watches() {
  // Editors replace files by rename, so a file is watched through its directory.
  for (const std::string& p : paths_) {
    struct stat st {};
    std::string dir = (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) ? p : parent_dir(p);
    ::inotify_add_watch(inotify_fd_, dir.c_str(), kWatchMask);
  }
}

Status Reloader::start() {
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) return make_error(std::string("inotify_init1: ") + std::strerror(errno));
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  stop_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0 || stop_fd_ < 0) return make_error(std::string("eventfd: ") + std::strerror(errno));
  add_watches();
  thread_ = std::thread([this] { run(); });
  return {};
}

void Reloader::request() {
  uint64_t one = 1;
  if (wake_fd_ >= 0 && ::write(wake_fd_, &one, sizeof one) < 0) {
    // The counter can only overflow after 2^64 requests; a failed write loses nothing.
  }
}

bool Reloader::reload_now(const std::string& why) {
  std::lock_guard lock(reload_mu_);
  return reload_locked(texts_, why).ok;
}

Reloader::Outcome Reloader::replace_texts(std::vector<engine::RuleText> texts, const std::string& why) {
  std::lock_guard lock(reload_mu_);
  Outcome outcome = reload_locked(texts, why);
  if (outcome.ok) texts_ = std::move(texts);
  return outcome;
}

Reloader::Outcome Reloader::reload_locked(const std::vector<engine::RuleText>& texts, const std::string& why) {
  auto started = std::chrono::steady_clock::now();
  RulesLoad load = load_rules(engine_, paths_, texts);
  if (!load.rules) {
    metrics_.reload_failures.fetch_add(1);
    log_("reload (" + why + ") rejected, the previous rules stay in force:");
    for (const std::string& m : load.errors.messages) log_("  error: " + m);
    return {false, std::move(load.errors.messages)};
  }
  for (const std::string& w : load.rules->warnings) log_("  warning: " + w);
  std::string hash = load.rules->hash;
  if (hash == holder_.current().hash) {
    log_("reload (" + why + "): rules unchanged (" + hash + ")");
    return {true, {}};
  }
  holder_.publish(load.rules->ruleset, hash, wall_clock_ns());
  metrics_.reloads.fetch_add(1);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  log_("reload (" + why + "): " + std::to_string(load.rules->ruleset->rule_count()) + " rules from " +
       std::to_string(load.rules->files) + " files, hash " + hash + ", compiled in " + std::to_string(ms) + " ms");
  if (on_published_) on_published_(*load.rules);
  return {true, {}};
}

void Reloader::run() {
  pollfd fds[3] = {{inotify_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
  while (true) {
    int n = ::poll(fds, 3, 1000);
    if (n < 0 && errno != EINTR) break;
    if (fds[2].revents & POLLIN) break;
    bool changed = fds[0].revents & POLLIN;
    bool asked = fds[1].revents & POLLIN;
    if (!changed && !asked) continue;
    if (changed) {
      // Let a burst of writes (an editor saving, a copy) settle before compiling.
      do {
        drain_fd(inotify_fd_);
      } while (::poll(fds, 1, 150) > 0);
      // A replaced directory or file needs its watch again.
      add_watches();
    }
    drain_fd(wake_fd_);
    reload_now(asked ? "SIGHUP" : "rules changed");
  }
}

}  // namespace peregrine::agent
