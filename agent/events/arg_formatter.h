#pragma once
// Formats a driver record's parameters as the engine's SyscallArgs, in Falco's spelling:
// the result first (named "fd" or "res" as the schema says), then the parameters in table
// order. fds print as "3(<f>/etc/passwd)" when the fd table knows them, errors as
// "-2(ENOENT)", open flags symbolically, modes in octal.
//
// The texts live in the formatter and are overwritten by the next format() call: the args it
// returns are valid until then. Not thread-safe; one per event-building thread.

#include <array>
#include <optional>
#include <span>
#include <string>

#include "agent/state/fd_table.h"
#include "driver/event_schema.h"
#include "driver/reader/event_view.h"
#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

class ArgFormatter {
 public:
  // `fds` (may be null) names the fds the parameters refer to.
  std::span<const engine::SyscallArg> format(const driver::RawEventView& raw, const FdTable* fds);
  // The BYTES parameter of the last format(), if any (evt.buffer).
  std::optional<std::span<const uint8_t>> buffer() const { return buffer_; }

 private:
  static constexpr size_t kMax = PEREGRINE_MAX_PARAMS + 1;
  std::array<std::string, kMax> texts_;
  std::array<engine::SyscallArg, kMax> args_;
  std::optional<std::span<const uint8_t>> buffer_;
};

// "f", "d", "4", ...: Falco's one-letter fd type.
char fd_typechar(engine::FdType type);

}  // namespace peregrine::agent
