#include "outputs/sinks/file_sink.h"

#include <fcntl.h>

namespace peregrine::outputs {

Status FileSink::deliver(std::span<const Record> batch) {
  if (!fd_.valid()) {
    fd_.reset(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
    if (!fd_.valid()) return make_error(errno_text("open " + path_));
  }
  std::string out;
  for (const auto& r : batch) {
    out += json_ ? r.json_line() : r.text;
    out += '\n';
  }
  auto st = write_all(fd_.get(), out, false);
  // A write error (disk full, file removed on a network FS) may be cured by a fresh open.
  if (!st) fd_.reset();
  return st;
}

}  // namespace peregrine::outputs
