#pragma once
// A deep accept queue for our cpp-httplib servers. httplib 0.11 listens with a backlog of 5
// (CPPHTTPLIB_LISTEN_BACKLOG, fixed when Debian built the library). A burst of more
// connections than that overflows the accept queue; Linux then drops the handshake's final
// ACK, the client believes it is connected and sends its request, and the server picks the
// connection up only after retransmitting its SYN-ACK seconds later — requests "time out with
// 0 bytes received" while every worker is idle. We take the listening socket when httplib
// creates it and listen() on it again with a deep backlog (Linux updates the backlog of a
// socket that is already listening).
//
// Use: `ListenBacklog backlog; backlog.install(server);` before binding, `backlog.deepen()`
// after bind_to_port / bind_to_any_port. Not for servers that listen() themselves.

#include <sys/socket.h>

#include <atomic>

namespace peregrine {

class ListenBacklog {
 public:
  explicit ListenBacklog(int backlog = 4096) : backlog_(backlog) {}

  template <typename Server>
  void install(Server& server) {
    server.set_socket_options([this](int sock) {
      // What httplib's default options would set, minus SO_REUSEPORT: a second server on the
      // same port must fail to bind, not share the port silently.
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      fd_.store(sock);
    });
  }

  // True when the backlog was raised (false: install() was not called or bind failed).
  bool deepen() const {
    int fd = fd_.load();
    return fd >= 0 && ::listen(fd, backlog_) == 0;
  }

 private:
  int backlog_;
  std::atomic<int> fd_{-1};
};

}  // namespace peregrine
