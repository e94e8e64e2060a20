#pragma once
// NATS core publish: CONNECT once, then per batch one PUB per alert followed by a PING; the
// PONG means the server has processed everything before it (the protocol's flush), and a
// "-ERR" before it fails the batch. Plain text protocol over TCP, spoken directly.

#include <chrono>
#include <string>

#include "outputs/core/sink.h"
#include "outputs/sinks/fd.h"

namespace peregrine::outputs {

struct NatsOptions {
  std::string host = "127.0.0.1";
  int port = 4222;
  std::string subject = "falco";
  std::string user;
  std::string password;  // from a file or Secret only
  std::string token;     // from a file or Secret only
  std::chrono::milliseconds timeout{5000};
};

class NatsSink : public Sink {
 public:
  explicit NatsSink(NatsOptions options) : options_(std::move(options)) {}
  size_t max_batch() const override { return 200; }
  Status deliver(std::span<const Record> batch) override;
  void reopen() override { fd_.reset(); }

 private:
  Status connect();
  Status await_pong();

  NatsOptions options_;
  Fd fd_;
  std::string buffer_;
};

}  // namespace peregrine::outputs
