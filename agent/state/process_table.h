#pragma once
// The agent's process table: every thread it knows, kept exact through clone/exec/exit events
// after a bootstrap from /proc.
//
// Each thread's engine::ThreadView is what rules read; `view.parent` points at the parent
// process's main thread, so proc.pname / proc.aname[N] walk real entries. Entries live in a
// node-based map, so a pointer to one stays valid until remove() of that tid; when a process
// goes, its children are re-parented (to the nearest init-like ancestor, as the kernel does)
// before the entry is freed, so no view ever points at a freed parent.
// Not thread-safe: the thread that applies events to the state owns it.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "agent/state/container_registry.h"
#include "agent/state/fd_table.h"
#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

struct ThreadState {
  engine::ThreadView view;
  std::shared_ptr<FdTable> fds = std::make_shared<FdTable>();
  const ContainerInfo* container = nullptr;
  uint64_t cgroup_id = 0;  // cgroup v2 id the cgroups were read for; 0 = unknown
  // Created from a later event, without its clone or /proc data: fields may be missing.
  bool incomplete = false;
};

// What a clone/fork/vfork exit event in the child says about the new thread.
struct CloneInfo {
  int64_t tid = -1;
  int64_t pid = -1;
  int64_t ppid = -1;
  int64_t vtid = -1;
  int64_t vpid = -1;
  bool same_thread_group = false;  // CLONE_THREAD
  bool share_files = false;        // CLONE_FILES
  uint64_t start_ts_ns = 0;
  std::string comm;                          // empty: inherit
  std::vector<engine::CgroupView> cgroups;   // empty: inherit
};

// What a successful execve says about the program the thread now runs.
struct ExecInfo {
  std::string comm;
  std::string exe;  // argv[0]
  std::string exepath;
  std::vector<std::string> args;
  std::vector<std::string> env;              // empty: keep
  std::string cwd;                           // empty: keep
  std::vector<engine::CgroupView> cgroups;   // empty: keep
  uint32_t uid = 0, gid = 0;
  bool has_creds = false;
  int64_t loginuid = -1;
  bool has_loginuid = false;
  uint64_t cap_permitted = 0, cap_effective = 0, cap_inheritable = 0;
  bool has_caps = false;
};

class ProcessTable {
 public:
  explicit ProcessTable(ContainerRegistry& containers);
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;

  ThreadState* find(int64_t tid);
  // Adds or replaces the thread `t.view.tid`; links its parent, resolves its container.
  ThreadState& insert(ThreadState t);
  // After a bulk insert (bootstrap), links every thread's parent (order-independent).
  void relink_all();

  // State changes the syscall events make.
  // `creator` is the thread that called clone (null when unknown: the child is then built
  // from `info` alone and marked incomplete).
  ThreadState& on_clone(const ThreadState* creator, const CloneInfo& info);
  void on_exec(ThreadState& t, ExecInfo info);
  // The thread is gone; a process's children are re-parented. Must not be called while an
  // event that points at the thread is still being evaluated.
  void remove(int64_t tid);

  size_t size() const { return threads_.size(); }
  const std::unordered_map<int64_t, std::unique_ptr<ThreadState>>& threads() const { return threads_; }
  ContainerRegistry& containers() { return containers_; }

 private:
  void link_parent(ThreadState& t);
  void set_container(ThreadState& t);

  ContainerRegistry& containers_;
  std::unordered_map<int64_t, std::unique_ptr<ThreadState>> threads_;
  // The last thread find() returned: consecutive events mostly come from one thread.
  ThreadState* last_found_ = nullptr;
};

}  // namespace peregrine::agent
