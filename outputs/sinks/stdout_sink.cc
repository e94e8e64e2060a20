#include "outputs/sinks/stdout_sink.h"

#include "outputs/sinks/fd.h"

namespace peregrine::outputs {

Status StdoutSink::deliver(std::span<const Record> batch) {
  // One write per batch keeps lines whole when several writers share the terminal.
  std::string out;
  for (const auto& r : batch) {
    out += format_ == Format::kJson ? r.json_line() : r.text;
    out += '\n';
  }
  return write_all(fd_, out, false);
}

}  // namespace peregrine::outputs
