#pragma once
// Formats a driver record's parameters as the engine's SyscallArgs, in Falco's spelling:
// the result first (named "fd" or "res" as the schema says), then the parameters in table
// order. fds print as "3(<f>/etc/passwd)" when the fd table knows them, errors as
// "-2(ENOENT)", open flags symbolically, modes in octal.
//
// format() fills in names and raw values; each text is built when first read (arg_text(),
// through SyscallEvent::arg_text): most events are read by no rule that wants one. The record
// and the fd table must stay as they were at format() until the texts are read: the agent's
// builder guarantees it until finish(). The args are valid until the next format() call. Not
// thread-safe; one per event-building thread.

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "agent/state/fd_table.h"
#include "driver/event_schema.h"
#include "driver/reader/event_view.h"
#include "engine/sources/syscall/syscall_event.h"

namespace peregrine::agent {

class ArgFormatter final : public engine::ArgTextSource {
 public:
  // `fds` (may be null) names the fds the parameters refer to.
  std::span<const engine::SyscallArg> format(const driver::RawEventView& raw, const FdTable* fds);
  // The BYTES parameter of the last format(), if any (evt.buffer).
  std::optional<std::span<const uint8_t>> buffer() const { return buffer_; }

  std::string_view arg_text(size_t index) const override;

 private:
  static constexpr size_t kMax = PEREGRINE_MAX_PARAMS + 1;
  void format_text(size_t index, std::string& text) const;

  std::optional<driver::RawEventView> raw_;
  const FdTable* fds_ = nullptr;
  bool has_result_ = false;  // args_[0] is the result
  mutable std::array<std::string, kMax> texts_;
  mutable std::array<bool, kMax> formatted_{};
  std::array<engine::SyscallArg, kMax> args_;
  std::optional<std::span<const uint8_t>> buffer_;
};

// "f", "d", "4", ...: Falco's one-letter fd type.
char fd_typechar(engine::FdType type);

}  // namespace peregrine::agent
