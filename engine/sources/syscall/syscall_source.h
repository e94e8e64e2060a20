#pragma once
// The `syscall` event source: Falco's syscall fields over SyscallEvent views that an agent
// fills (see syscall_event.h for what it must supply and who owns what).
//
// Immutable after construction; extract() may be called from several threads at once, each
// with its own Extraction. extract() never allocates in the steady state and never throws:
// an event that lacks what a field needs yields "missing".

#include <string>
#include <string_view>

#include "engine/sources/event_source.h"
#include "engine/sources/syscall/event_types.h"
#include "engine/sources/syscall/syscall_event.h"
#include "engine/sources/syscall/syscall_fields.h"

namespace peregrine::engine {

class SyscallSource final : public EventSource {
 public:
  // `hostname` is what evt.hostname returns.
  explicit SyscallSource(std::string hostname);

  std::string_view name() const override { return "syscall"; }
  const FieldRegistry& fields() const override { return syscall_field_registry(); }
  const EventTypeTable* event_types() const override { return &syscall_event_types(); }

  // `event` must be a SyscallEvent and `field` resolved against fields().
  bool extract(const Event& event, const FieldRef& field, Extraction& out) const override;
  // Every syscall field but the generic ones (evt.hostname and the like read the source).
  FieldExtractor extractor(const FieldRef& field) const override;

 private:
  std::string hostname_;
};

}  // namespace peregrine::engine
