#include "outputs/sinks/program_sink.h"

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace peregrine::outputs {
namespace {

// A write to a pipe whose reader is gone raises SIGPIPE in the writing thread. The worker
// thread blocks it once, turns it into EPIPE, and discards the pending signal afterwards.
void block_sigpipe_in_this_thread() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

void discard_pending_sigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  timespec zero{};
  while (sigtimedwait(&set, nullptr, &zero) > 0) {}
}

}  // namespace

ProgramSink::~ProgramSink() { stop(); }

Status ProgramSink::spawn() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return make_error(errno_text("pipe"));
  Fd read_end(fds[0]);
  Fd write_end(fds[1]);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, read_end.get(), 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The child starts with no blocked signals, whatever this thread blocks.
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  const char* argv[] = {"/bin/sh", "-c", command_.c_str(), nullptr};
  pid_t pid = -1;
  int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return make_error("program: cannot start /bin/sh: " + std::string(strerror(rc)));
  pid_ = pid;
  stdin_ = std::move(write_end);
  return {};
}

void ProgramSink::stop() {
  stdin_.reset();  // end of input: a well-behaved command exits
  if (pid_ > 0) {
    // Give it a moment to finish its last line, then insist.
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      ::usleep(10000);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
}

Status ProgramSink::deliver(std::span<const Record> batch) {
  block_sigpipe_in_this_thread();
  // A command that exited since the last batch is restarted now.
  if (pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == pid_) {
    pid_ = -1;
    stdin_.reset();
  }
  if (!stdin_.valid()) {
    if (auto st = spawn(); !st) return st;
  }
  std::string out;
  for (const auto& r : batch) {
    out += json_ ? r.json_line() : r.text;
    out += '\n';
  }
  Status st = write_all(stdin_.get(), out, false);
  if (!st) {
    discard_pending_sigpipe();
    stop();
    return make_error("program exited: " + st.error().message);
  }
  return {};
}

}  // namespace peregrine::outputs
