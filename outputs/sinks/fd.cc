#include "outputs/sinks/fd.h"

#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace peregrine::outputs {

void Fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

Status write_all(int fd, std::string_view data, bool is_socket) {
  while (!data.empty()) {
    ssize_t n = is_socket ? ::send(fd, data.data(), data.size(), MSG_NOSIGNAL)
                          : ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(errno_text("write"));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

namespace {

void set_timeouts(int fd, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = timeout.count() / 1000;
  tv.tv_usec = (timeout.count() % 1000) * 1000;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

}  // namespace

Result<Fd> connect_inet(const std::string& host, int port, bool stream,
                        std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = stream ? SOCK_STREAM : SOCK_DGRAM;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) return make_error("resolve " + host + ": " + ::gai_strerror(rc));
  std::string last = "no address for " + host;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd.valid()) { last = errno_text("socket"); continue; }
    // SO_SNDTIMEO also bounds a blocking connect() on Linux.
    set_timeouts(fd.get(), timeout);
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    last = errno_text("connect " + host + ":" + service);
  }
  ::freeaddrinfo(found);
  return make_error(last);
}

Result<Fd> connect_unix(const std::string& path, bool stream, std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return make_error("unix socket path too long: " + path);
  std::memcpy(addr.sun_path, path.data(), path.size());
  Fd fd(::socket(AF_UNIX, (stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return make_error(errno_text("socket"));
  set_timeouts(fd.get(), timeout);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return make_error(errno_text("connect " + path));
  return fd;
}

namespace {

Status fill(int fd, std::string& buffer) {
  char chunk[4096];
  for (;;) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      buffer.append(chunk, static_cast<size_t>(n));
      return {};
    }
    if (n == 0) return make_error("connection closed by peer");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return make_error("read timed out");
    return make_error(errno_text("read"));
  }
}

}  // namespace

Result<std::string> read_line(int fd, std::string& buffer) {
  for (;;) {
    auto end = buffer.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      return line;
    }
    if (buffer.size() > (1u << 20)) return make_error("reply line too long");
    if (auto st = fill(fd, buffer); !st) return st.error();
  }
}

Result<std::string> read_exact(int fd, std::string& buffer, size_t n) {
  while (buffer.size() < n)
    if (auto st = fill(fd, buffer); !st) return st.error();
  std::string out = buffer.substr(0, n);
  buffer.erase(0, n);
  return out;
}

}  // namespace peregrine::outputs
