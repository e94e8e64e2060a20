#pragma once
// Kafka through librdkafka: a batch is produced to the topic and flushed; the batch succeeds
// only when every message's delivery report is free of errors. Extra producer properties
// (acks, compression, security.protocol, ...) pass through; SASL passwords come from files or
// Secrets only.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "outputs/core/sink.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;

namespace peregrine::outputs {

struct KafkaOptions {
  std::string brokers;  // bootstrap.servers
  std::string topic = "falco";
  std::map<std::string, std::string> properties;
  std::chrono::milliseconds timeout{10000};
};

class KafkaSink : public Sink {
 public:
  // Fails when librdkafka rejects a property.
  static Result<std::unique_ptr<KafkaSink>> create(KafkaOptions options);
  ~KafkaSink() override;
  KafkaSink(const KafkaSink&) = delete;
  KafkaSink& operator=(const KafkaSink&) = delete;
  size_t max_batch() const override { return 500; }
  Status deliver(std::span<const Record> batch) override;

 private:
  KafkaSink() = default;
  KafkaOptions options_;
  rd_kafka_t* producer_ = nullptr;  // owned
};

}  // namespace peregrine::outputs
