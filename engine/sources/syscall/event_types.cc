#include "engine/sources/syscall/event_types.h"

#include <cassert>

namespace peregrine::engine {

namespace {

constexpr std::array<std::string_view, kNonSyscallEventEnd - kSyscallCodeLimit> kNonSyscallNames = {
    "procexit",  "signaldeliver", "switch", "page_fault", "procinfo",
    "container", "cpu_hotplug",   "drop",   "notification", "infra",
    "k8s",       "tracer",        "mesos",  "pluginevent",  "asyncevent",
};

// Falco names a few events differently from the syscall they stand for. Rules written for
// Falco use its spelling, so code() must accept it.
struct Alias {
  std::string_view falco_name;
  std::string_view kernel_name;
};
constexpr Alias kAliases[] = {
    {"pread", "pread64"},
    {"pwrite", "pwrite64"},
    {"umount", "umount2"},  // x86_64 only has umount2; Falco reports it as umount
};

}  // namespace

SyscallEventTypes::SyscallEventTypes() {
  for (size_t c = 0; c < size(); ++c) {
    std::string_view n = name(static_cast<uint16_t>(c));
    if (!n.empty()) {
      [[maybe_unused]] bool inserted = by_name_.emplace(n, static_cast<uint16_t>(c)).second;
      assert(inserted && "duplicate event type name");
    }
  }
  for (const Alias& a : kAliases) {
    auto it = by_name_.find(a.kernel_name);
    if (it != by_name_.end()) by_name_.emplace(a.falco_name, it->second);
  }
}

std::optional<uint16_t> SyscallEventTypes::code(std::string_view name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::string_view SyscallEventTypes::name(uint16_t code) const {
  if (code < kSyscallCodeLimit) return kX86_64SyscallNames[code];
  if (code < kNonSyscallEventEnd) return kNonSyscallNames[code - kSyscallCodeLimit];
  return {};
}

const SyscallEventTypes& syscall_event_types() {
  static const SyscallEventTypes table;
  return table;
}

}  // namespace peregrine::engine
