#pragma once
// Real servers for sink tests (redis-server, nats-server, mosquitto, rsyslogd, alertmanager):
// started as child processes on loopback ports chosen by the test, killed (SIGKILL, then
// reaped) when the owner goes away. Also: a temp dir that removes itself, and a free port.

#include <string>
#include <sys/types.h>
#include <vector>

namespace peregrine::outputs::testing {

class ChildProcess {
 public:
  ChildProcess() = default;
  // argv[0] is looked up in PATH and in /usr/sbin, /usr/bin, /sbin; stdout and stderr go to
  // `log_file`.
  static ChildProcess start(const std::vector<std::string>& argv, const std::string& log_file);
  ~ChildProcess() { stop(); }
  ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_) { o.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  void stop();

 private:
  pid_t pid_ = -1;
};

// Full path of an installed program, or "" (checks PATH, /usr/sbin, /usr/bin, /sbin).
std::string find_program(const std::string& name);

// A port that was free a moment ago (bind port 0 on 127.0.0.1, read it, close). Servers that
// cannot be told to bind port 0 and report it are started on one of these.
int free_port();
// Polls until a TCP connection to 127.0.0.1:port succeeds, up to timeout_ms.
bool wait_for_tcp(int port, int timeout_ms = 15000);

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_text_file(const std::string& path);
void write_text_file(const std::string& path, const std::string& text);

}  // namespace peregrine::outputs::testing
