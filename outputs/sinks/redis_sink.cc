#include "outputs/sinks/redis_sink.h"

#include "common/strings.h"

namespace peregrine::outputs {

std::string resp_command(std::initializer_list<std::string_view> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (auto a : args) {
    out += "$" + std::to_string(a.size()) + "\r\n";
    out += a;
    out += "\r\n";
  }
  return out;
}

Status RedisSink::read_reply() {
  auto line = read_line(fd_.get(), buffer_);
  if (!line.ok()) return line.error();
  if (line->empty()) return make_error("redis: empty reply");
  switch ((*line)[0]) {
    case '+':
    case ':': return {};
    case '-': return make_error("redis: " + line->substr(1));
    case '$': {
      auto len = parse_int64(std::string_view(*line).substr(1));
      if (!len) return make_error("redis: bad bulk length");
      if (*len < 0) return {};
      auto body = read_exact(fd_.get(), buffer_, static_cast<size_t>(*len) + 2);
      if (!body.ok()) return body.error();
      return {};
    }
    default: return make_error("redis: unexpected reply '" + line->substr(0, 40) + "'");
  }
}

Status RedisSink::connect() {
  auto fd = connect_inet(options_.host, options_.port, true, options_.timeout);
  if (!fd.ok()) return fd.error();
  fd_ = std::move(*fd);
  buffer_.clear();
  std::string hello;
  int replies = 0;
  if (!options_.password.empty()) {
    hello += resp_command({"AUTH", options_.password});
    ++replies;
  }
  if (options_.database != 0) {
    hello += resp_command({"SELECT", std::to_string(options_.database)});
    ++replies;
  }
  if (hello.empty()) return {};
  if (auto st = write_all(fd_.get(), hello, true); !st) return st;
  for (int i = 0; i < replies; ++i)
    if (auto st = read_reply(); !st) return st;
  return {};
}

Status RedisSink::deliver(std::span<const Record> batch) {
  if (!fd_.valid()) {
    if (auto st = connect(); !st) {
      fd_.reset();
      return st;
    }
  }
  std::string pipeline;
  const std::string max_len = std::to_string(options_.stream_max_len);
  for (const auto& r : batch) {
    std::string json = r.json_line();
    if (options_.mode == RedisOptions::Mode::kList)
      pipeline += resp_command({"RPUSH", options_.key, json});
    else if (options_.stream_max_len > 0)
      pipeline += resp_command({"XADD", options_.key, "MAXLEN", "~", max_len, "*", "alert", json});
    else
      pipeline += resp_command({"XADD", options_.key, "*", "alert", json});
  }
  Status status = write_all(fd_.get(), pipeline, true);
  // Read every reply even after an error reply, so the connection stays in step.
  for (size_t i = 0; status.ok() && i < batch.size(); ++i) {
    Status reply = read_reply();
    if (!reply.ok()) status = reply;
  }
  if (!status.ok()) fd_.reset();
  return status;
}

}  // namespace peregrine::outputs
