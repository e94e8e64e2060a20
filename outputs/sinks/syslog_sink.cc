#include "outputs/sinks/syslog_sink.h"

#include <sys/socket.h>
#include <unistd.h>

#include "common/time_format.h"

namespace peregrine::outputs {
namespace {

// SD-PARAM values escape '"', '\' and ']' (RFC 5424 section 6.3.3).
std::string sd_escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '"' || c == '\\' || c == ']') out += '\\';
    out += c;
  }
  return out;
}

// HOSTNAME, APP-NAME: printable US-ASCII without spaces, "-" when empty.
std::string header_field(const std::string& v, size_t max) {
  std::string out;
  for (char c : v)
    if (c > 32 && c < 127 && out.size() < max) out += c;
  return out.empty() ? "-" : out;
}

}  // namespace

std::string format_rfc5424(const Record& r, const SyslogOptions& o, int pid) {
  int pri = o.facility * 8 + static_cast<int>(r.priority);
  // TIME-SECFRAC allows at most six digits: cut the nanoseconds to microseconds.
  std::string ts = format_rfc3339_nanos(r.time_ns);
  if (auto dot = ts.find('.'); dot != std::string::npos && ts.size() > dot + 7)
    ts = ts.substr(0, dot + 7) + "Z";
  std::string tags;
  for (const auto& t : r.tags) tags += (tags.empty() ? "" : ",") + t;
  std::string out = "<" + std::to_string(pri) + ">1 " + ts + " " +
                    header_field(r.json.value("hostname", ""), 255) + " " +
                    header_field(o.app_name, 48) + " " + std::to_string(pid) + " alert " +
                    "[peregrine@32473 rule=\"" + sd_escape(r.rule) + "\" priority=\"" +
                    std::string(engine::priority_name(r.priority)) + "\" source=\"" +
                    sd_escape(r.source) + "\" tags=\"" + sd_escape(tags) + "\"] ";
  out += o.json ? r.json_line() : r.text;
  return out;
}

SyslogSink::SyslogSink(SyslogOptions options) : options_(std::move(options)), pid_(::getpid()) {}

Status SyslogSink::deliver(std::span<const Record> batch) {
  using T = SyslogOptions::Transport;
  if (!fd_.valid()) {
    auto fd = options_.transport == T::kUnix
                  ? connect_unix(options_.socket_path, false, options_.timeout)
                  : connect_inet(options_.host, options_.port, options_.transport == T::kTcp,
                                 options_.timeout);
    if (!fd.ok()) return fd.error();
    fd_ = std::move(*fd);
  }
  std::string stream;
  for (const auto& r : batch) {
    std::string msg = format_rfc5424(r, options_, pid_);
    if (options_.transport == T::kTcp) {
      stream += std::to_string(msg.size()) + " " + msg;
      continue;
    }
    // Datagrams: one message each.
    if (::send(fd_.get(), msg.data(), msg.size(), MSG_NOSIGNAL) < 0) {
      fd_.reset();
      return make_error(errno_text("syslog send"));
    }
  }
  if (!stream.empty()) {
    if (auto st = write_all(fd_.get(), stream, true); !st) {
      fd_.reset();
      return st;
    }
  }
  return {};
}

}  // namespace peregrine::outputs
