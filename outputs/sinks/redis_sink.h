#pragma once
// Redis: each alert's JSON pushed onto a list (LPUSH/RPUSH) or appended to a stream
// (XADD key [MAXLEN ~ N] * alert JSON), a batch pipelined on one connection. Speaks RESP
// directly over TCP: the commands are few and fixed, so no client library is needed.

#include <chrono>
#include <string>

#include "outputs/core/sink.h"
#include "outputs/sinks/fd.h"

namespace peregrine::outputs {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string key = "falco";
  enum class Mode { kList, kStream } mode = Mode::kList;
  int64_t stream_max_len = 0;  // 0: unbounded
  std::string password;        // from a file or Secret only
  int database = 0;
  std::chrono::milliseconds timeout{5000};
};

// One command as a RESP array of bulk strings.
std::string resp_command(std::initializer_list<std::string_view> args);

class RedisSink : public Sink {
 public:
  explicit RedisSink(RedisOptions options) : options_(std::move(options)) {}
  size_t max_batch() const override { return 200; }
  Status deliver(std::span<const Record> batch) override;
  void reopen() override { fd_.reset(); }

 private:
  Status connect();
  // Reads one reply; an error reply ("-ERR ...") becomes an Error.
  Status read_reply();

  RedisOptions options_;
  Fd fd_;
  std::string buffer_;
};

}  // namespace peregrine::outputs
