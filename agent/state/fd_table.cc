#include "agent/state/fd_table.h"

#include <utility>

namespace peregrine::agent {

FdEntry* FdTable::find(int64_t fd) {
  auto it = fds_.find(fd);
  return it == fds_.end() ? nullptr : &it->second;
}

const FdEntry* FdTable::find(int64_t fd) const {
  auto it = fds_.find(fd);
  return it == fds_.end() ? nullptr : &it->second;
}

FdEntry& FdTable::put(engine::FdView view, bool cloexec) {
  int64_t num = view.num;
  auto it = fds_.find(num);
  if (it == fds_.end()) {
    if (spare_) {
      spare_.key() = num;
      it = fds_.insert(std::move(spare_)).position;
    } else {
      it = fds_.try_emplace(num).first;
    }
  }
  FdEntry& e = it->second;
  e.view = std::move(view);
  e.cloexec = cloexec;
  return e;
}

void FdTable::close(int64_t fd) {
  auto node = fds_.extract(fd);
  if (node && !spare_) spare_ = std::move(node);
}

bool FdTable::dup(int64_t oldfd, int64_t newfd, bool cloexec) {
  if (oldfd == newfd) return fds_.contains(oldfd);
  auto it = fds_.find(oldfd);
  if (it == fds_.end()) {
    fds_.erase(newfd);
    return false;
  }
  engine::FdView copy = it->second.view;
  copy.num = newfd;
  copy.name_changed = false;
  put(std::move(copy), cloexec);
  return true;
}

void FdTable::close_on_exec() {
  std::erase_if(fds_, [](const auto& kv) { return kv.second.cloexec; });
}

}  // namespace peregrine::agent
