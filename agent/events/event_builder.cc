#include "agent/events/event_builder.h"

#include <fcntl.h>
#include <sched.h>

#include <algorithm>

#include "agent/events/path_resolve.h"
#include "agent/state/proc_bootstrap.h"

namespace peregrine::agent {
namespace {

bool is_clone(uint16_t type) {
  return type == PEREGRINE_EVT_CODE_CLONE || type == PEREGRINE_EVT_CODE_CLONE3 ||
         type == PEREGRINE_EVT_CODE_FORK || type == PEREGRINE_EVT_CODE_VFORK;
}

bool is_exec(uint16_t type) {
  return type == PEREGRINE_EVT_CODE_EXECVE || type == PEREGRINE_EVT_CODE_EXECVEAT;
}

std::vector<std::string> strings_param(const driver::RawEventView& raw, std::string_view name) {
  int i = raw.index_of(name);
  std::vector<std::string> out;
  if (i < 0) return out;
  if (auto items = raw.as_strings(static_cast<uint32_t>(i))) out.assign(items->begin(), items->end());
  return out;
}

constexpr uint32_t kNoId = 0xffffffffu;  // "unchanged" in setresuid & co, and "unset" loginuid

// The proc-info parameters every clone and execve record carries.
void apply_proc_info(const driver::RawEventView& raw, engine::ThreadView& v) {
  if (auto x = raw.string_param("comm"); x && !x->empty()) v.comm = std::string(*x);
  if (auto x = raw.uint_param("uid")) v.uid = static_cast<uint32_t>(*x);
  if (auto x = raw.uint_param("gid")) v.gid = static_cast<uint32_t>(*x);
  if (auto x = raw.uint_param("loginuid")) v.loginuid = *x == kNoId ? -1 : static_cast<int64_t>(*x);
  if (auto x = raw.int_param("vtid")) v.vtid = *x;
  if (auto x = raw.int_param("vpid")) v.vpid = *x;
}

}  // namespace

EventBuilder::EventBuilder(ProcessTable& table, UserDb& users, ProcReader* proc, int64_t realtime_offset_ns)
    : table_(table), users_(users), proc_(proc), realtime_offset_ns_(realtime_offset_ns) {}

void EventBuilder::remember_exit(int64_t tid) {
  recent_exits_[recent_exit_next_] = tid;
  recent_exit_next_ = (recent_exit_next_ + 1) % recent_exits_.size();
}

bool EventBuilder::exited_recently(int64_t tid) const {
  for (int64_t t : recent_exits_) {
    if (t == tid) return true;
  }
  return false;
}

ThreadState& EventBuilder::thread_for(const driver::RawEventView& raw) {
  const int64_t tid = raw.tid(), pid = raw.pid();
  ThreadState* t = table_.find(tid);
  if (t && t->view.pid != pid) {
    // The tid now belongs to another process (a reused id whose exit the agent missed).
    table_.remove(tid);
    t = nullptr;
  }
  if (!t && proc_) {
    t = load_thread_from_proc(*proc_, table_, pid, tid);
    if (t) {
      ++counters_.threads_from_proc;
      if (observer_) {
        if (tid != pid) {
          if (ThreadState* main = table_.find(pid)) observer_->learned_thread(*main);
        }
        observer_->learned_thread(*t);
      }
    }
  }
  if (!t) {
    ThreadState s;
    s.view.tid = tid;
    s.view.pid = pid;
    s.incomplete = true;
    t = &table_.insert(std::move(s));
    ++counters_.threads_incomplete;
  }
  return *t;
}

void EventBuilder::refresh_cgroups(ThreadState& t, uint64_t cgroup_id) {
  if (cgroup_id == 0 || cgroup_id == t.cgroup_id) return;
  auto it = cgroups_by_id_.find(cgroup_id);
  if (it == cgroups_by_id_.end()) {
    std::vector<engine::CgroupView> cgroups;
    if (proc_) cgroups = proc_->read_cgroups(t.view.tid);
    if (cgroups.empty()) return;  // gone already: keep what it inherited
    it = cgroups_by_id_.emplace(cgroup_id, std::move(cgroups)).first;
    if (observer_) observer_->learned_cgroups(cgroup_id, it->second);
  }
  t.cgroup_id = cgroup_id;
  t.view.cgroups = it->second;
  t.container = &table_.containers().for_cgroups(t.view.cgroups);
}

void EventBuilder::learn_cgroups(uint64_t cgroup_id, std::vector<engine::CgroupView> cgroups) {
  cgroups_by_id_[cgroup_id] = std::move(cgroups);
}

ThreadState& EventBuilder::on_clone_event(const driver::RawEventView& raw) {
  const int64_t res = raw.res();
  const uint64_t flags = raw.uint_param("flags").value_or(0);
  if (res == 0) {
    // The child's side: the new thread itself.
    const int64_t tid = raw.tid(), pid = raw.pid();
    const int64_t ptid = raw.int_param("ptid").value_or(-1);
    ThreadState* child = table_.find(tid);
    if (!child || child->view.pid != pid) {
      const ThreadState* creator = tid != pid ? table_.find(pid) : (ptid > 0 ? table_.find(ptid) : nullptr);
      CloneInfo ci;
      ci.tid = tid;
      ci.pid = pid;
      ci.ppid = ptid;
      ci.same_thread_group = tid != pid;
      ci.share_files = (flags & CLONE_FILES) != 0;
      ci.start_ts_ns = raw.ts_ns() + static_cast<uint64_t>(realtime_offset_ns_);
      child = &table_.on_clone(creator, ci);
    }
    apply_proc_info(raw, child->view);
    if (auto exe = raw.string_param("exe"); exe && !exe->empty()) child->view.exe = std::string(*exe);
    if (auto id = raw.uint_param("cgroup_id")) refresh_cgroups(*child, *id);
    return *child;
  }
  ThreadState& caller = thread_for(raw);
  if (res > 0 && !table_.find(res) && !exited_recently(res)) {
    // The parent's side arrived first: the child starts as a copy of its creator; its own
    // record, when it comes, fills in what only the child knows (vpid, cgroups).
    CloneInfo ci;
    ci.tid = res;
    ci.same_thread_group = (flags & CLONE_THREAD) != 0;
    ci.pid = ci.same_thread_group ? caller.view.pid : res;
    ci.ppid = ci.same_thread_group ? caller.view.ppid : caller.view.pid;
    ci.share_files = (flags & CLONE_FILES) != 0;
    ci.start_ts_ns = raw.ts_ns() + static_cast<uint64_t>(realtime_offset_ns_);
    ThreadState& child = table_.on_clone(&caller, ci);
    child.view.vtid = child.view.vpid = -1;
  }
  return caller;
}

void EventBuilder::on_exec_event(const driver::RawEventView& raw, ThreadState& t) {
  if (raw.res() != 0) return;  // a failed execve changes nothing
  ExecInfo info;
  info.comm = std::string(raw.string_param("comm").value_or(t.view.comm));
  info.exe = std::string(raw.string_param("exe").value_or(""));
  info.args = strings_param(raw, "args");
  info.env = strings_param(raw, "env");
  if (auto file = raw.string_param("filename"); file && !file->empty()) {
    info.exepath = file->front() == '/' ? std::string(*file) : resolve_path(t.view.cwd, *file);
  }
  if (info.exe.empty()) info.exe = info.exepath;
  table_.on_exec(t, std::move(info));
  apply_proc_info(raw, t.view);
  if (auto ptid = raw.int_param("ptid"); ptid && *ptid > 0 && *ptid != t.view.ppid) {
    t.view.ppid = *ptid;
    ThreadState* p = table_.find(*ptid);
    t.view.parent = p ? &p->view : nullptr;
  }
  if (auto id = raw.uint_param("cgroup_id")) refresh_cgroups(t, *id);
}

void EventBuilder::on_creds_event(const driver::RawEventView& raw, ThreadState& t) {
  if (raw.res() != 0) return;
  auto set = [](std::optional<uint64_t> v, uint32_t& field) {
    if (v && *v != kNoId) field = static_cast<uint32_t>(*v);
  };
  switch (raw.type()) {
    case PEREGRINE_EVT_CODE_SETUID: set(raw.uint_param("uid"), t.view.uid); break;
    case PEREGRINE_EVT_CODE_SETREUID:
    case PEREGRINE_EVT_CODE_SETRESUID: set(raw.uint_param("euid"), t.view.uid); break;
    case PEREGRINE_EVT_CODE_SETGID: set(raw.uint_param("gid"), t.view.gid); break;
    case PEREGRINE_EVT_CODE_SETREGID:
    case PEREGRINE_EVT_CODE_SETRESGID: set(raw.uint_param("egid"), t.view.gid); break;
    case PEREGRINE_EVT_CODE_CAPSET:
      if (auto v = raw.uint_param("cap_inheritable")) t.view.cap_inheritable = *v;
      if (auto v = raw.uint_param("cap_permitted")) t.view.cap_permitted = *v;
      if (auto v = raw.uint_param("cap_effective")) t.view.cap_effective = *v;
      break;
    case PEREGRINE_EVT_CODE_CHDIR:
      if (auto p = raw.string_param("path")) t.view.cwd = resolve_path(t.view.cwd, *p) + "/";
      if (t.view.cwd == "//") t.view.cwd = "/";
      break;
    case PEREGRINE_EVT_CODE_FCHDIR:
      if (auto fd = raw.int_param("fd")) {
        if (const FdEntry* e = t.fds->find(*fd)) {
          t.view.cwd = e->view.name;
          if (t.view.cwd.empty() || t.view.cwd.back() != '/') t.view.cwd += '/';
        }
      }
      break;
    default: break;
  }
}

const BuiltEvent& EventBuilder::build(const driver::RawEventView& raw) {
  ++counters_.events;
  const uint16_t type = raw.type();
  if (auto fd = raw.prior_close()) {
    // Folded by the driver: it came before this event (driver/event_schema.h).
    if (ThreadState* closer = table_.find(raw.tid())) closer->fds->close(*fd);
  }
  ThreadState& t = is_clone(type) ? on_clone_event(raw) : thread_for(raw);
  if (is_exec(type)) on_exec_event(raw, t);
  on_creds_event(raw, t);
  bool unknown_fd = false;
  const engine::FdView* fd = apply_fd_effects(raw, t, unknown_fd);
  if (type == PEREGRINE_EVT_PROCEXIT) exit_tid_ = raw.tid();

  engine::SyscallEvent& e = built_.event;
  e.type = type;
  last_ts_ns_ = std::max(last_ts_ns_, raw.ts_ns());
  const uint64_t ts = (raw.flags() & PEREGRINE_EVF_UNTIMED) ? last_ts_ns_ : raw.ts_ns();
  e.timestamp_ns = ts + static_cast<uint64_t>(realtime_offset_ns_);
  e.num = ++seq_;
  e.direction = '<';
  if (type == PEREGRINE_EVT_PROCEXIT) e.res.reset();
  else e.res = raw.res();
  e.args = formatter_.format(raw, t.fds.get());
  e.arg_texts = &formatter_;
  e.buffer = formatter_.buffer();
  e.thread = &t.view;
  e.user = users_.user(t.view.uid, t.view.loginuid);
  e.group = users_.group(t.view.gid);
  e.fd = fd;
  e.container = t.container ? &t.container->view : nullptr;
  e.k8s = t.container && t.container->has_k8s ? &t.container->k8s : nullptr;
  built_.incomplete = t.incomplete || unknown_fd || (raw.flags() & PEREGRINE_EVF_NO_ENTER) != 0;
  return built_;
}

void EventBuilder::finish() {
  if (close_fd_ >= 0) {
    if (ThreadState* t = table_.find(close_tid_)) t->fds->close(close_fd_);
    close_fd_ = close_tid_ = -1;
  }
  if (exit_tid_ >= 0) {
    table_.remove(exit_tid_);
    remember_exit(exit_tid_);
    exit_tid_ = -1;
  }
}

}  // namespace peregrine::agent
