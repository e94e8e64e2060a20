#include "agent/state/proc_reader.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/state/cgroup_container_id.h"
#include "agent/state/file_util.h"
#include "common/strings.h"

namespace peregrine::agent {
namespace {

constexpr uint64_t kNsPerSecond = 1'000'000'000ull;

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// The value of a "Key:\tvalue" line of /proc/<pid>/status.
std::optional<std::string_view> status_value(std::string_view text, std::string_view key) {
  size_t at = 0;
  while (at < text.size()) {
    size_t nl = text.find('\n', at);
    std::string_view line = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ':') {
      return trim(line.substr(key.size() + 1));
    }
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return std::nullopt;
}

std::vector<int64_t> numeric_entries(const std::string& dir) {
  std::vector<int64_t> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (auto n = parse_int64(e->d_name); n && *n > 0) out.push_back(*n);
  }
  ::closedir(d);
  return out;
}

std::string strip_deleted(std::string s) {
  constexpr std::string_view kDeleted = " (deleted)";
  if (std::string_view(s).ends_with(kDeleted)) s.resize(s.size() - kDeleted.size());
  return s;
}

// What an fd's /proc link target says about it, for targets that are not files or sockets.
engine::FdType anon_type(std::string_view target) {
  if (target.starts_with("pipe:")) return engine::FdType::kPipe;
  if (target == "anon_inode:[eventfd]") return engine::FdType::kEvent;
  if (target == "anon_inode:[signalfd]") return engine::FdType::kSignalfd;
  if (target == "anon_inode:[eventpoll]") return engine::FdType::kEventpoll;
  if (target == "anon_inode:inotify") return engine::FdType::kInotify;
  if (target == "anon_inode:[timerfd]") return engine::FdType::kTimerfd;
  if (target.starts_with("anon_inode:bpf")) return engine::FdType::kBpf;
  if (target == "anon_inode:[userfaultfd]") return engine::FdType::kUserfaultfd;
  if (target == "anon_inode:[io_uring]") return engine::FdType::kIoUring;
  if (target.starts_with("/memfd:")) return engine::FdType::kMemfd;
  return engine::FdType::kUnknown;
}

}  // namespace

std::optional<StatFields> parse_stat(std::string_view text) {
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  StatFields f;
  f.comm = std::string(text.substr(open + 1, close - open - 1));
  // After ") ": state(3) ppid(4) pgrp(5) session(6) tty_nr(7) ... starttime(22).
  auto w = words(text.substr(close + 1));
  if (w.size() < 20) return std::nullopt;
  auto ppid = parse_int64(w[1]), pgrp = parse_int64(w[2]), session = parse_int64(w[3]);
  auto tty = parse_int64(w[4]);
  auto start = parse_uint64(w[19]);
  if (!ppid || !pgrp || !session || !tty || !start) return std::nullopt;
  f.ppid = *ppid;
  f.pgrp = *pgrp;
  f.session = *session;
  f.tty = static_cast<uint32_t>(*tty);
  f.start_ticks = *start;
  return f;
}

std::vector<std::string> split_nul(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t z = text.find('\0');
    out.emplace_back(text.substr(0, z));
    if (z == std::string_view::npos) break;
    text.remove_prefix(z + 1);
  }
  return out;
}

ProcReader::ProcReader(std::string proc_root) : root_(std::move(proc_root)) {
  if (!root_.empty() && root_.back() == '/') root_.pop_back();
}

std::string ProcReader::path(int64_t pid, std::string_view file) const {
  std::string p = root_ + "/" + std::to_string(pid);
  if (!file.empty()) {
    p += '/';
    p += file;
  }
  return p;
}

uint64_t ProcReader::boot_time_ns() {
  if (!boot_time_read_) {
    boot_time_read_ = true;
    if (auto text = read_small_file(root_ + "/stat")) {
      std::string_view t = *text;
      size_t at = t.find("btime ");
      if (at != std::string_view::npos) {
        std::string_view rest = t.substr(at + 6);
        if (auto s = parse_uint64(trim(rest.substr(0, rest.find('\n'))))) boot_time_ns_ = *s * kNsPerSecond;
      }
    }
  }
  return boot_time_ns_;
}

std::optional<ThreadState> ProcReader::read_thread(int64_t pid, int64_t tid) {
  std::string base = tid == pid ? path(pid, "") : path(pid, "task/" + std::to_string(tid));
  auto stat_text = read_small_file(base + "/stat");
  if (!stat_text) return std::nullopt;
  auto stat = parse_stat(*stat_text);
  if (!stat) return std::nullopt;

  ThreadState t;
  engine::ThreadView& v = t.view;
  v.tid = tid;
  v.pid = pid;
  v.ppid = stat->ppid;
  v.comm = stat->comm;
  v.sid = stat->session;
  v.vpgid = stat->pgrp;
  v.tty = stat->tty;
  long ticks = ::sysconf(_SC_CLK_TCK);
  if (boot_time_ns() && ticks > 0) {
    v.start_ts_ns = boot_time_ns() + stat->start_ticks * (kNsPerSecond / static_cast<uint64_t>(ticks));
  }

  if (auto status = read_small_file(base + "/status")) {
    if (auto uids = status_value(*status, "Uid")) {
      auto w = words(*uids);
      if (w.size() >= 2) v.uid = static_cast<uint32_t>(parse_uint64(w[1]).value_or(0));
    }
    if (auto gids = status_value(*status, "Gid")) {
      auto w = words(*gids);
      if (w.size() >= 2) v.gid = static_cast<uint32_t>(parse_uint64(w[1]).value_or(0));
    }
    // NSpid/NStgid list the id in each pid namespace, outermost first.
    if (auto ns = status_value(*status, "NSpid")) {
      auto w = words(*ns);
      if (!w.empty()) v.vtid = parse_int64(w.back()).value_or(-1);
    }
    if (auto ns = status_value(*status, "NStgid")) {
      auto w = words(*ns);
      if (!w.empty()) v.vpid = parse_int64(w.back()).value_or(-1);
    }
    if (auto c = status_value(*status, "CapPrm")) v.cap_permitted = parse_uint64("0x" + std::string(*c)).value_or(0);
    if (auto c = status_value(*status, "CapEff")) v.cap_effective = parse_uint64("0x" + std::string(*c)).value_or(0);
    if (auto c = status_value(*status, "CapInh")) v.cap_inheritable = parse_uint64("0x" + std::string(*c)).value_or(0);
  }

  if (auto cmdline = read_small_file(path(pid, "cmdline"))) {
    auto argv = split_nul(*cmdline);
    if (!argv.empty()) {
      v.exe = argv[0];
      v.args.assign(argv.begin() + 1, argv.end());
    }
  }
  if (auto env = read_small_file(path(pid, "environ"))) v.env = split_nul(*env);
  if (auto exe = read_link(path(pid, "exe"))) v.exepath = strip_deleted(*exe);
  if (auto cwd = read_link(path(pid, "cwd"))) {
    v.cwd = *cwd;
    if (v.cwd.empty() || v.cwd.back() != '/') v.cwd += '/';
  }
  if (auto login = read_small_file(path(pid, "loginuid"))) {
    auto id = parse_int64(trim(*login));
    v.loginuid = (!id || *id == 4294967295LL) ? -1 : *id;
  }
  v.cgroups = read_cgroups(pid);
  return t;
}

std::vector<engine::CgroupView> ProcReader::read_cgroups(int64_t pid) {
  auto text = read_small_file(path(pid, "cgroup"));
  return text ? parse_proc_cgroup(*text) : std::vector<engine::CgroupView>{};
}

void ProcReader::read_fds(int64_t pid, const SocketInodes& sockets, FdTable& out) {
  std::string dir = path(pid, "fd");
  for (int64_t fd : numeric_entries(dir)) {
    auto target = read_link(dir + "/" + std::to_string(fd));
    if (!target) continue;
    engine::FdView view;
    view.num = fd;
    if (target->starts_with("socket:[")) {
      auto ino = parse_uint64(std::string_view(*target).substr(8, target->size() - 9));
      const engine::FdView* known = ino ? sockets.find(*ino) : nullptr;
      if (known) {
        view = *known;
        view.num = fd;
      } else {
        view.type = engine::FdType::kUnknown;
        view.name = *target;
      }
    } else if (!target->empty() && target->front() == '/' && !target->starts_with("/memfd:")) {
      struct stat st {};
      bool dir_fd = ::stat((dir + "/" + std::to_string(fd)).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      view.type = dir_fd ? engine::FdType::kDirectory : engine::FdType::kFile;
      view.name = strip_deleted(*target);
      view.ino = static_cast<int64_t>(st.st_ino);
    } else {
      view.type = anon_type(*target);
      view.name = *target;
    }
    out.put(std::move(view), false);
  }
}

std::vector<int64_t> ProcReader::list_pids() const { return numeric_entries(root_); }

std::vector<int64_t> ProcReader::list_tids(int64_t pid) const { return numeric_entries(path(pid, "task")); }

}  // namespace peregrine::agent
