#include "outputs/sinks/nats_sink.h"

#include <nlohmann/json.hpp>

namespace peregrine::outputs {

Status NatsSink::connect() {
  auto fd = connect_inet(options_.host, options_.port, true, options_.timeout);
  if (!fd.ok()) return fd.error();
  fd_ = std::move(*fd);
  buffer_.clear();
  auto info = read_line(fd_.get(), buffer_);
  if (!info.ok()) return info.error();
  if (!info->starts_with("INFO ")) return make_error("nats: expected INFO, got '" + info->substr(0, 40) + "'");
  nlohmann::json connect = {{"verbose", false}, {"pedantic", false}, {"name", "peregrine"},
                            {"lang", "cpp"},     {"version", "0.1"},  {"protocol", 1}};
  if (!options_.user.empty()) connect["user"] = options_.user;
  if (!options_.password.empty()) connect["pass"] = options_.password;
  if (!options_.token.empty()) connect["auth_token"] = options_.token;
  // PING right after CONNECT: an authentication failure arrives as -ERR before the PONG.
  if (auto st = write_all(fd_.get(), "CONNECT " + connect.dump() + "\r\nPING\r\n", true); !st) return st;
  return await_pong();
}

Status NatsSink::await_pong() {
  for (;;) {
    auto line = read_line(fd_.get(), buffer_);
    if (!line.ok()) return line.error();
    if (*line == "PONG") return {};
    if (*line == "PING") {
      if (auto st = write_all(fd_.get(), "PONG\r\n", true); !st) return st;
      continue;
    }
    if (line->starts_with("-ERR")) return make_error("nats: " + line->substr(1));
    // +OK and later INFO updates need no answer.
  }
}

Status NatsSink::deliver(std::span<const Record> batch) {
  if (!fd_.valid()) {
    if (auto st = connect(); !st) {
      fd_.reset();
      return st;
    }
  }
  std::string out;
  for (const auto& r : batch) {
    std::string json = r.json_line();
    out += "PUB " + options_.subject + " " + std::to_string(json.size()) + "\r\n" + json + "\r\n";
  }
  out += "PING\r\n";
  Status st = write_all(fd_.get(), out, true);
  if (st.ok()) st = await_pong();
  if (!st.ok()) fd_.reset();
  return st;
}

}  // namespace peregrine::outputs
