#pragma once
// Writes each alert to a file descriptor (standard output by default): the JSON line, or the
// text line (the template, else Falco's classic `HH:MM:SS: Priority message`).

#include "outputs/core/sink.h"

namespace peregrine::outputs {

class StdoutSink : public Sink {
 public:
  enum class Format { kText, kJson };
  // `fd` is borrowed, not owned.
  explicit StdoutSink(Format format, int fd = 1) : format_(format), fd_(fd) {}

  size_t max_batch() const override { return 256; }
  Status deliver(std::span<const Record> batch) override;

 private:
  const Format format_;
  const int fd_;
};

}  // namespace peregrine::outputs
