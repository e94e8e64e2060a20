#pragma once
// One process's file-descriptor table: fd number -> what it refers to (engine::FdView) plus
// the close-on-exec bit the kernel keeps beside it.
//
// Threads that share their fds (CLONE_FILES) share one FdTable through shared_ptr.
// Pointers returned by find() stay valid until that fd is closed or replaced (node-based map),
// which is what lets an event point at its fd while the rules read it.
// Not thread-safe: the thread that applies events to the state owns it.

#include <cstdint>
#include <unordered_map>

#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

struct FdEntry {
  engine::FdView view;
  bool cloexec = false;
};

class FdTable {
 public:
  FdTable() = default;
  // A copy (execve ending CLONE_FILES sharing) copies the fds, not the spare node.
  FdTable(const FdTable& other) : fds_(other.fds_) {}
  FdTable& operator=(const FdTable& other) {
    fds_ = other.fds_;
    return *this;
  }

  FdEntry* find(int64_t fd);
  const FdEntry* find(int64_t fd) const;
  // Installs `view` at view.num, replacing what was there (the kernel reuses numbers).
  FdEntry& put(engine::FdView view, bool cloexec);
  void close(int64_t fd);
  // dup2/dup3/F_DUPFD: `newfd` becomes a copy of `oldfd`. False when oldfd is unknown (newfd is
  // then forgotten: it no longer refers to what it did).
  bool dup(int64_t oldfd, int64_t newfd, bool cloexec);
  // execve: every close-on-exec fd goes.
  void close_on_exec();
  size_t size() const { return fds_.size(); }
  const std::unordered_map<int64_t, FdEntry>& entries() const { return fds_; }

 private:
  using Map = std::unordered_map<int64_t, FdEntry>;
  Map fds_;
  // The node of the last closed fd, reused by the next new one: an open/close loop then
  // allocates no map node per call.
  Map::node_type spare_;
};

}  // namespace peregrine::agent
