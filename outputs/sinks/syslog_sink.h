#pragma once
// Syslog per RFC 5424, over UDP (one datagram a message), TCP (octet-counting framing of
// RFC 6587: "LEN SP MSG") or a unix datagram socket (as /dev/log).
// <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [peregrine@32473 rule=".." ...] MSG
// The severity is the alert priority itself (Falco's eight priorities are syslog's eight).
// On a unix socket the receiver must parse RFC 5424 (rsyslog's imuxsock: UseSpecialParser="off";
// its default local parser expects the legacy RFC 3164 line).

#include <chrono>
#include <string>

#include "outputs/core/sink.h"
#include "outputs/sinks/fd.h"

namespace peregrine::outputs {

struct SyslogOptions {
  enum class Transport { kUdp, kTcp, kUnix };
  Transport transport = Transport::kUdp;
  std::string host = "127.0.0.1";
  int port = 514;
  std::string socket_path = "/dev/log";
  int facility = 16;  // local0
  std::string app_name = "peregrine";
  bool json = false;  // MSG is the JSON line instead of the text line
  std::chrono::milliseconds timeout{5000};
};

// One RFC 5424 message (without transport framing).
std::string format_rfc5424(const Record& record, const SyslogOptions& options, int pid);

class SyslogSink : public Sink {
 public:
  explicit SyslogSink(SyslogOptions options);
  size_t max_batch() const override { return 100; }
  Status deliver(std::span<const Record> batch) override;
  void reopen() override { fd_.reset(); }

 private:
  SyslogOptions options_;
  int pid_;
  Fd fd_;
};

}  // namespace peregrine::outputs
