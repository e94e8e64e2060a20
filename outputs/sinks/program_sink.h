#pragma once
// Pipes alerts, one line each (JSON or text), to the standard input of a command run with
// /bin/sh -c. When the command exits (a write fails with EPIPE), the batch fails, the child is
// reaped, and the next attempt starts the command again: the worker's retry delivers the batch
// to the new process.

#include <string>
#include <sys/types.h>

#include "outputs/core/sink.h"
#include "outputs/sinks/fd.h"

namespace peregrine::outputs {

class ProgramSink : public Sink {
 public:
  ProgramSink(std::string command, bool json) : command_(std::move(command)), json_(json) {}
  ~ProgramSink() override;
  size_t max_batch() const override { return 256; }
  Status deliver(std::span<const Record> batch) override;
  // Closes the pipe (the command sees end of input) and restarts it on the next alert.
  void reopen() override { stop(); }

  pid_t pid() const { return pid_; }

 private:
  Status spawn();
  void stop();

  const std::string command_;
  const bool json_;
  Fd stdin_;
  pid_t pid_ = -1;
};

}  // namespace peregrine::outputs
