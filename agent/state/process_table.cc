#include "agent/state/process_table.h"

#include <utility>

namespace peregrine::agent {

ProcessTable::ProcessTable(ContainerRegistry& containers) : containers_(containers) {}

ThreadState* ProcessTable::find(int64_t tid) {
  if (last_found_ && last_found_->view.tid == tid) return last_found_;
  auto it = threads_.find(tid);
  if (it == threads_.end()) return nullptr;
  last_found_ = it->second.get();
  return last_found_;
}

void ProcessTable::link_parent(ThreadState& t) {
  t.view.parent = nullptr;
  if (t.view.ppid <= 0) return;
  ThreadState* p = find(t.view.ppid);
  // Guard against a cycle a bad /proc read could make (a process its own ancestor).
  for (const engine::ThreadView* a = p ? &p->view : nullptr; a; a = a->parent) {
    if (a == &t.view) return;
  }
  if (p) t.view.parent = &p->view;
}

void ProcessTable::set_container(ThreadState& t) {
  t.container = &containers_.for_cgroups(t.view.cgroups);
}

ThreadState& ProcessTable::insert(ThreadState t) {
  int64_t tid = t.view.tid;
  auto& slot = threads_[tid];
  if (slot) {
    // Replacing: whoever pointed at the old view as a parent now points at the new one.
    const engine::ThreadView* old = &slot->view;
    *slot = std::move(t);
    for (auto& [id, other] : threads_) {
      if (other->view.parent == old) other->view.parent = &slot->view;
    }
  } else {
    slot = std::make_unique<ThreadState>(std::move(t));
  }
  if (!slot->fds) slot->fds = std::make_shared<FdTable>();
  link_parent(*slot);
  set_container(*slot);
  return *slot;
}

void ProcessTable::relink_all() {
  for (auto& [tid, t] : threads_) t->view.parent = nullptr;
  for (auto& [tid, t] : threads_) link_parent(*t);
}

ThreadState& ProcessTable::on_clone(const ThreadState* creator, const CloneInfo& info) {
  ThreadState child;
  if (creator) {
    child.view = creator->view;
    child.fds = (info.share_files || info.same_thread_group) ? creator->fds
                                                             : std::make_shared<FdTable>(*creator->fds);
    child.incomplete = creator->incomplete;
    if (!info.same_thread_group) {
      // A new process: its parent is the caller's process.
      child.view.ppid = creator->view.pid;
    }
  } else {
    child.incomplete = true;
  }
  child.view.parent = nullptr;
  child.view.tid = info.tid;
  child.view.pid = info.pid;
  if (info.ppid > 0) child.view.ppid = info.ppid;
  child.view.vtid = info.vtid;
  child.view.vpid = info.vpid;
  if (info.start_ts_ns) child.view.start_ts_ns = info.start_ts_ns;
  if (!info.comm.empty()) child.view.comm = info.comm;
  if (!info.cgroups.empty()) child.view.cgroups = info.cgroups;
  return insert(std::move(child));
}

void ProcessTable::on_exec(ThreadState& t, ExecInfo info) {
  engine::ThreadView& v = t.view;
  v.comm = std::move(info.comm);
  v.exe = std::move(info.exe);
  v.exepath = std::move(info.exepath);
  v.args = std::move(info.args);
  if (!info.env.empty()) v.env = std::move(info.env);
  if (!info.cwd.empty()) v.cwd = std::move(info.cwd);
  if (info.has_creds) {
    v.uid = info.uid;
    v.gid = info.gid;
  }
  if (info.has_loginuid) v.loginuid = info.loginuid;
  if (info.has_caps) {
    v.cap_permitted = info.cap_permitted;
    v.cap_effective = info.cap_effective;
    v.cap_inheritable = info.cap_inheritable;
  }
  if (!info.cgroups.empty()) {
    v.cgroups = std::move(info.cgroups);
    set_container(t);
  }
  // execve ends sharing the fd table with other processes and closes close-on-exec fds.
  if (t.fds.use_count() > 1) t.fds = std::make_shared<FdTable>(*t.fds);
  t.fds->close_on_exec();
}

void ProcessTable::remove(int64_t tid) {
  auto it = threads_.find(tid);
  if (it == threads_.end()) return;
  if (last_found_ == it->second.get()) last_found_ = nullptr;
  const engine::ThreadView* gone = &it->second->view;
  if (gone->tid != gone->pid) {  // only a process's main thread is anyone's parent
    threads_.erase(it);
    return;
  }
  // The kernel hands orphans to the nearest subreaper or their pid namespace's init; the
  // init-like ancestor (vpid 1, or pid 1) is the best view of that the agent has.
  const engine::ThreadView* reaper = gone->parent;
  while (reaper && reaper->vpid != 1 && reaper->pid != 1) reaper = reaper->parent;
  for (auto& [id, other] : threads_) {
    if (other->view.parent == gone) {
      other->view.parent = reaper;
      other->view.ppid = reaper ? reaper->pid : other->view.ppid;
    }
  }
  threads_.erase(it);
}

}  // namespace peregrine::agent
