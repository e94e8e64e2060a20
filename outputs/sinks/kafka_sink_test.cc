// The Kafka sink against librdkafka's built-in mock cluster, read back with a consumer.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "outputs/core/renderer.h"
#include "outputs/sinks/kafka_sink.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {

struct KafkaHandle {
  rd_kafka_t* rk = nullptr;
  ~KafkaHandle() {
    if (rk) rd_kafka_destroy(rk);
  }
};

rd_kafka_t* new_handle(rd_kafka_type_t type, std::initializer_list<std::pair<const char*, std::string>> props) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [k, v] : props) rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) rd_kafka_conf_destroy(conf);
  return rk;
}

TEST(KafkaSink, ProducesToTheMockClusterAndIsReadBack) {
  KafkaHandle cluster_owner;
  cluster_owner.rk = new_handle(RD_KAFKA_PRODUCER, {});
  ASSERT_NE(cluster_owner.rk, nullptr);
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(cluster_owner.rk, 1);
  ASSERT_NE(cluster, nullptr);
  ASSERT_EQ(rd_kafka_mock_topic_create(cluster, "falco", 1, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::string brokers = rd_kafka_mock_cluster_bootstraps(cluster);

  {
    auto sink = KafkaSink::create({brokers, "falco", {{"acks", "all"}}, std::chrono::milliseconds(10000)});
    ASSERT_TRUE(sink.ok()) << sink.error().message;
    std::vector<Record> batch;
    for (int i = 0; i < 5; ++i)
      batch.push_back(Renderer{}.render(testing::make_alert("r" + std::to_string(i),
                                                            engine::Priority::kWarning, {}, uint64_t(i))));
    auto st = (*sink)->deliver(batch);
    ASSERT_TRUE(st.ok()) << st.error().message;
  }

  KafkaHandle consumer;
  consumer.rk = new_handle(RD_KAFKA_CONSUMER, {{"bootstrap.servers", brokers},
                                               {"group.id", "peregrine-test"},
                                               {"auto.offset.reset", "earliest"}});
  ASSERT_NE(consumer.rk, nullptr);
  rd_kafka_topic_partition_list_t* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, "falco", 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  ASSERT_EQ(rd_kafka_assign(consumer.rk, parts), RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_topic_partition_list_destroy(parts);
  std::vector<std::string> got;
  for (int i = 0; i < 100 && got.size() < 5; ++i) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer.rk, 100);
    if (!m) continue;
    if (!m->err) got.emplace_back(static_cast<const char*>(m->payload), m->len);
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(consumer.rk);
  ASSERT_EQ(got.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(nlohmann::json::parse(got[size_t(i)])["rule"], "r" + std::to_string(i));
  rd_kafka_mock_cluster_destroy(cluster);
}

TEST(KafkaSink, AnUnreachableClusterFailsTheBatchWithinTheTimeout) {
  auto sink = KafkaSink::create({"127.0.0.1:1", "falco", {}, std::chrono::milliseconds(1500)});
  ASSERT_TRUE(sink.ok());
  std::vector<Record> batch = {Renderer{}.render(testing::make_alert())};
  EXPECT_FALSE((*sink)->deliver(batch).ok());
}

TEST(KafkaSink, BadPropertyIsAConfigError) {
  auto sink = KafkaSink::create({"127.0.0.1:9092", "falco", {{"no.such.property", "1"}}, std::chrono::milliseconds(1000)});
  ASSERT_FALSE(sink.ok());
  EXPECT_NE(sink.error().message.find("no.such.property"), std::string::npos);
}

}  // namespace
}  // namespace peregrine::outputs
