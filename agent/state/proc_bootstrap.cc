#include "agent/state/proc_bootstrap.h"

#include <sys/stat.h>

#include <memory>

namespace peregrine::agent {

Result<size_t> bootstrap_process_table(ProcReader& proc, ProcessTable& table) {
  struct stat st {};
  if (::stat(proc.root().c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return make_error(proc.root() + ": cannot read the process list (is procfs mounted there?)");
  }
  SocketInodes sockets;
  sockets.load(proc.root());
  size_t loaded = 0;
  for (int64_t pid : proc.list_pids()) {
    auto main = proc.read_thread(pid, pid);
    if (!main) continue;
    proc.read_fds(pid, sockets, *main->fds);
    std::shared_ptr<FdTable> fds = main->fds;
    table.insert(std::move(*main));
    ++loaded;
    for (int64_t tid : proc.list_tids(pid)) {
      if (tid == pid) continue;
      auto thread = proc.read_thread(pid, tid);
      if (!thread) continue;
      thread->fds = fds;
      table.insert(std::move(*thread));
      ++loaded;
    }
  }
  table.relink_all();
  return loaded;
}

ThreadState* load_thread_from_proc(ProcReader& proc, ProcessTable& table, int64_t pid, int64_t tid) {
  ThreadState* main = table.find(pid);
  if (!main) {
    auto read = proc.read_thread(pid, pid);
    if (!read) return nullptr;
    SocketInodes none;  // sockets of a late-found process show as socket:[ino]
    proc.read_fds(pid, none, *read->fds);
    main = &table.insert(std::move(*read));
  }
  if (tid == pid) return main;
  auto thread = proc.read_thread(pid, tid);
  if (!thread) return nullptr;
  thread->fds = main->fds;
  return &table.insert(std::move(*thread));
}

}  // namespace peregrine::agent
