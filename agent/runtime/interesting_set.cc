#include "agent/runtime/interesting_set.h"

#include "driver/event_schema.h"

namespace peregrine::agent {

const std::vector<uint16_t>& state_event_types() {
  static const std::vector<uint16_t> kTypes = {
      PEREGRINE_EVT_CODE_OPEN,     PEREGRINE_EVT_CODE_OPENAT,   PEREGRINE_EVT_CODE_OPENAT2,
      PEREGRINE_EVT_CODE_CREAT,    PEREGRINE_EVT_CODE_CLOSE,    PEREGRINE_EVT_CODE_DUP,
      PEREGRINE_EVT_CODE_DUP2,     PEREGRINE_EVT_CODE_DUP3,     PEREGRINE_EVT_CODE_SOCKET,
      PEREGRINE_EVT_CODE_CONNECT,  PEREGRINE_EVT_CODE_ACCEPT,   PEREGRINE_EVT_CODE_ACCEPT4,
      PEREGRINE_EVT_CODE_BIND,     PEREGRINE_EVT_CODE_LISTEN,   PEREGRINE_EVT_CODE_PIPE,
      PEREGRINE_EVT_CODE_PIPE2,    PEREGRINE_EVT_CODE_SOCKETPAIR, PEREGRINE_EVT_CODE_MEMFD_CREATE,
      PEREGRINE_EVT_CODE_CLONE,    PEREGRINE_EVT_CODE_CLONE3,   PEREGRINE_EVT_CODE_FORK,
      PEREGRINE_EVT_CODE_VFORK,    PEREGRINE_EVT_CODE_EXECVE,   PEREGRINE_EVT_CODE_EXECVEAT,
      PEREGRINE_EVT_CODE_CHDIR,    PEREGRINE_EVT_CODE_FCHDIR,   PEREGRINE_EVT_CODE_SETUID,
      PEREGRINE_EVT_CODE_SETGID,   PEREGRINE_EVT_CODE_SETREUID, PEREGRINE_EVT_CODE_SETREGID,
      PEREGRINE_EVT_CODE_SETRESUID, PEREGRINE_EVT_CODE_SETRESGID, PEREGRINE_EVT_CODE_CAPSET,
      PEREGRINE_EVT_PROCEXIT,
  };
  return kTypes;
}

driver::InterestSet interesting_event_types(const engine::SourceRuleset* rules) {
  using driver::Interest;
  const std::vector<bool> needed = rules ? rules->needed_event_types() : std::vector<bool>{};
  driver::InterestSet out(needed.size(), Interest::kNone);
  for (size_t t = 0; t < needed.size(); ++t) {
    if (needed[t]) out[t] = Interest::kFull;
  }
  for (uint16_t t : state_event_types()) {
    if (t >= out.size()) out.resize(t + 1, Interest::kNone);
    if (out[t] == Interest::kNone) out[t] = Interest::kStateOnly;
  }
  return out;
}

}  // namespace peregrine::agent
