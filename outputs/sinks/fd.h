#pragma once
// RAII owner of a file descriptor, and small blocking-I/O helpers that handle EINTR and short
// writes. Used by the file, program, syslog and socket-protocol sinks.

#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace peregrine::outputs {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int f = fd_;
    fd_ = -1;
    return f;
  }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// Writes all of `data` (MSG_NOSIGNAL on sockets so a closed peer is an error, not SIGPIPE).
Status write_all(int fd, std::string_view data, bool is_socket);
// Connects a stream or datagram socket to host:port (numeric or resolvable), with a timeout for
// connect and for every later send/recv on it.
Result<Fd> connect_inet(const std::string& host, int port, bool stream,
                        std::chrono::milliseconds timeout);
// Connects to a unix socket path (datagram, as syslog's /dev/log, or stream).
Result<Fd> connect_unix(const std::string& path, bool stream, std::chrono::milliseconds timeout);
// Reads one line ending in "\r\n" (returned without it), bounded by the socket's timeout.
Result<std::string> read_line(int fd, std::string& buffer);
// Reads exactly n bytes, using what `buffer` already holds first.
Result<std::string> read_exact(int fd, std::string& buffer, size_t n);
std::string errno_text(const std::string& what);

}  // namespace peregrine::outputs
