#pragma once
// Appends alerts to a file as JSON lines (or text lines). reopen() closes and reopens the path,
// so that after logrotate moves the file away the next alert goes to a fresh file.
// A failed open is a failed delivery (retried), not a crash.

#include <string>

#include "outputs/core/sink.h"
#include "outputs/sinks/fd.h"

namespace peregrine::outputs {

class FileSink : public Sink {
 public:
  FileSink(std::string path, bool json) : path_(std::move(path)), json_(json) {}

  size_t max_batch() const override { return 256; }
  Status deliver(std::span<const Record> batch) override;
  void reopen() override { fd_.reset(); }

 private:
  const std::string path_;
  const bool json_;
  Fd fd_;
};

}  // namespace peregrine::outputs
