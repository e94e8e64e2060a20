#include "outputs/sinks/kafka_sink.h"

#include <librdkafka/rdkafka.h>

namespace peregrine::outputs {
namespace {

// Per-batch delivery tally; each message's opaque points at it.
struct Tally {
  size_t delivered = 0;
  size_t failed = 0;
  std::string last_error;
};

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
  auto* tally = static_cast<Tally*>(msg->_private);
  if (!tally) return;
  if (msg->err) {
    ++tally->failed;
    tally->last_error = rd_kafka_err2str(msg->err);
  } else {
    ++tally->delivered;
  }
}

}  // namespace

Result<std::unique_ptr<KafkaSink>> KafkaSink::create(KafkaOptions options) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const std::string& k, const std::string& v) -> Status {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
      return make_error("kafka: " + k + ": " + err);
    return {};
  };
  Status st = set("bootstrap.servers", options.brokers);
  if (st) st = set("client.id", "peregrine");
  if (st) st = set("message.timeout.ms", std::to_string(options.timeout.count()));
  for (const auto& [k, v] : options.properties)
    if (st) st = set(k, v);
  if (!st) {
    rd_kafka_conf_destroy(conf);
    return st.error();
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  // rd_kafka_new takes ownership of conf on success only.
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return make_error(std::string("kafka: ") + err);
  }
  std::unique_ptr<KafkaSink> sink(new KafkaSink());
  sink->options_ = std::move(options);
  sink->producer_ = rk;
  return sink;
}

KafkaSink::~KafkaSink() {
  if (!producer_) return;
  rd_kafka_flush(producer_, 1000);
  rd_kafka_destroy(producer_);
}

Status KafkaSink::deliver(std::span<const Record> batch) {
  Tally tally;
  size_t queued = 0;
  for (const auto& r : batch) {
    std::string payload = r.json_line();
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_, RD_KAFKA_V_TOPIC(options_.topic.c_str()),
        RD_KAFKA_V_VALUE(payload.data(), payload.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(r.rule.data(), r.rule.size()), RD_KAFKA_V_OPAQUE(&tally), RD_KAFKA_V_END);
    if (err) {
      tally.failed += 1;
      tally.last_error = rd_kafka_err2str(err);
      break;
    }
    ++queued;
  }
  // The tally lives on this stack frame: wait for every queued message's report before leaving,
  // even on timeout (then purge what is left so no report can arrive later).
  rd_kafka_flush(producer_, static_cast<int>(options_.timeout.count()));
  if (tally.delivered + tally.failed < queued) {
    rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(producer_, 1000);
    // Purged messages report at once; the bound only guards against a librdkafka surprise.
    for (int i = 0; i < 600 && tally.delivered + tally.failed < queued; ++i)
      rd_kafka_poll(producer_, 100);
    return make_error("kafka: timed out waiting for delivery reports");
  }
  if (tally.failed > 0 || queued < batch.size())
    return make_error("kafka: " + std::to_string(tally.failed) + " message(s) failed: " + tally.last_error);
  return {};
}

}  // namespace peregrine::outputs
