#pragma once
// MQTT publish through libmosquitto, driven synchronously from the worker thread (no
// background loop thread): a batch is published and the worker steps the client's network loop
// until every message is acknowledged (QoS 1/2) or written (QoS 0), bounded by `timeout`.

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "outputs/core/sink.h"

struct mosquitto;

namespace peregrine::outputs {

struct MqttOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string topic = "falco/alerts";
  int qos = 1;
  std::string client_id = "peregrine";
  std::string user;
  std::string password;  // from a file or Secret only
  std::string ca_file, cert_file, key_file;  // TLS when ca_file is set
  std::chrono::milliseconds timeout{5000};
};

class MqttSink : public Sink {
 public:
  explicit MqttSink(MqttOptions options);
  ~MqttSink() override;
  size_t max_batch() const override { return 100; }
  Status deliver(std::span<const Record> batch) override;
  void reopen() override { client_.reset(); }

 private:
  struct Deleter {
    void operator()(mosquitto* m) const;
  };
  Status connect();
  // Steps the network loop until `done()` or the timeout; fails on a lost connection.
  template <typename Done>
  Status loop_until(Done done);

  MqttOptions options_;
  std::unique_ptr<mosquitto, Deleter> client_;
  int connack_ = -1;        // -1 waiting, 0 accepted, else the refusal code
  bool disconnected_ = false;
  std::set<int> pending_;   // message ids not yet acknowledged
};

}  // namespace peregrine::outputs
