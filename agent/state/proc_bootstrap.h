#pragma once
// Fills the process table from procfs when the agent starts: every process and thread, with
// its program, credentials, cgroups, and open fds (sockets resolved to their tuples).
// Processes that exit while being read are skipped. Returns how many threads were loaded, or
// an error when the proc root cannot be listed at all.

#include <cstddef>

#include "agent/state/proc_reader.h"
#include "agent/state/process_table.h"
#include "common/result.h"

namespace peregrine::agent {

Result<size_t> bootstrap_process_table(ProcReader& proc, ProcessTable& table);

// One process read on demand (an event from a pid the table does not know): its main thread
// and fds, and the thread `tid` when different. nullptr when /proc no longer has it.
ThreadState* load_thread_from_proc(ProcReader& proc, ProcessTable& table, int64_t pid, int64_t tid);

}  // namespace peregrine::agent
