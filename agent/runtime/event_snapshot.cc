#include "agent/runtime/event_snapshot.h"

namespace peregrine::agent {
namespace {

template <typename T>
const T* keep(std::optional<T>& slot, const T* source) {
  if (!source) return nullptr;
  slot.emplace(*source);
  return &*slot;
}

}  // namespace

EventSnapshot::EventSnapshot(const engine::SyscallEvent& event) : event_(event) {
  args_.reserve(event.args.size());
  for (const engine::SyscallArg& a : event.args) {
    engine::SyscallArg copy = a;
    copy.name = texts_.emplace_back(a.name);
    copy.text = texts_.emplace_back(event.arg_text(a));
    args_.push_back(copy);
  }
  event_.args = args_;
  event_.arg_texts = nullptr;  // the texts are copied: the source dies with the builder's event
  if (event.buffer) {
    buffer_.assign(event.buffer->begin(), event.buffer->end());
    event_.buffer = std::span<const uint8_t>(buffer_);
  }
  // The ancestry, as deep as the engine would walk it (the bound also ends a cycle).
  engine::ThreadView* child = nullptr;
  int depth = 0;
  for (const engine::ThreadView* t = event.thread; t && depth <= engine::kMaxAncestorDepth; t = t->parent, ++depth) {
    engine::ThreadView& copy = threads_.emplace_back(*t);
    copy.parent = nullptr;
    if (child) child->parent = &copy;
    child = &copy;
  }
  event_.thread = threads_.empty() ? nullptr : &threads_.front();
  event_.user = keep(user_, event.user);
  event_.group = keep(group_, event.group);
  event_.fd = keep(fd_, event.fd);
  event_.container = keep(container_, event.container);
  event_.k8s = keep(k8s_, event.k8s);
}

}  // namespace peregrine::agent
