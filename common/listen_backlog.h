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
// Use: `ListenBacklog backlog; backlog.install(server);` before binding, then `bind(server,
// host, port)` (or `deepen()` after binding yourself). Not for servers that listen() themselves.

#include <sys/socket.h>

#include <atomic>
#include <string>

#include "common/result.h"

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

  // Binds `server` to host:port (port 0: a free one) and deepens the backlog; the bound port,
  // or an error that says which address could not be had.
  template <typename Server>
  Result<int> bind(Server& server, const std::string& host, int port) const {
    if (port == 0) {
      port = server.bind_to_any_port(host);
      if (port <= 0) return make_error("cannot listen on " + host + ": no free port");
    } else if (!server.bind_to_port(host, port)) {
      return make_error("cannot listen on " + host + ":" + std::to_string(port) +
                        " (in use, or not an address of this host?)");
    }
    if (!deepen()) return make_error("cannot deepen the listen backlog on port " + std::to_string(port));
    return port;
  }

 private:
  int backlog_;
  std::atomic<int> fd_{-1};
};

}  // namespace peregrine
