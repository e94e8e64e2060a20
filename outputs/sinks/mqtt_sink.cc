#include "outputs/sinks/mqtt_sink.h"

#include <mutex>

#include <mosquitto.h>

namespace peregrine::outputs {

void MqttSink::Deleter::operator()(mosquitto* m) const {
  mosquitto_disconnect(m);
  mosquitto_destroy(m);
}

MqttSink::MqttSink(MqttOptions options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

MqttSink::~MqttSink() = default;

template <typename Done>
Status MqttSink::loop_until(Done done) {
  auto deadline = std::chrono::steady_clock::now() + options_.timeout;
  while (!done()) {
    if (disconnected_) return make_error("mqtt: connection lost");
    if (std::chrono::steady_clock::now() >= deadline) return make_error("mqtt: timed out");
    int rc = mosquitto_loop(client_.get(), 50, 1);
    if (rc != MOSQ_ERR_SUCCESS) return make_error(std::string("mqtt: ") + mosquitto_strerror(rc));
  }
  return {};
}

Status MqttSink::connect() {
  client_.reset(mosquitto_new(options_.client_id.c_str(), true, this));
  if (!client_) return make_error("mqtt: mosquitto_new failed");
  connack_ = -1;
  disconnected_ = false;
  pending_.clear();
  mosquitto_connect_callback_set(client_.get(), [](mosquitto*, void* self, int rc) {
    static_cast<MqttSink*>(self)->connack_ = rc;
  });
  mosquitto_disconnect_callback_set(client_.get(), [](mosquitto*, void* self, int) {
    static_cast<MqttSink*>(self)->disconnected_ = true;
  });
  mosquitto_publish_callback_set(client_.get(), [](mosquitto*, void* self, int mid) {
    static_cast<MqttSink*>(self)->pending_.erase(mid);
  });
  if (!options_.user.empty())
    mosquitto_username_pw_set(client_.get(), options_.user.c_str(),
                              options_.password.empty() ? nullptr : options_.password.c_str());
  if (!options_.ca_file.empty()) {
    int rc = mosquitto_tls_set(client_.get(), options_.ca_file.c_str(), nullptr,
                               options_.cert_file.empty() ? nullptr : options_.cert_file.c_str(),
                               options_.key_file.empty() ? nullptr : options_.key_file.c_str(),
                               nullptr);
    if (rc != MOSQ_ERR_SUCCESS) return make_error(std::string("mqtt tls: ") + mosquitto_strerror(rc));
  }
  int rc = mosquitto_connect(client_.get(), options_.host.c_str(), options_.port, 30);
  if (rc != MOSQ_ERR_SUCCESS) return make_error(std::string("mqtt connect: ") + mosquitto_strerror(rc));
  if (auto st = loop_until([&] { return connack_ >= 0; }); !st) return st;
  if (connack_ != 0)
    return make_error(std::string("mqtt: connection refused: ") + mosquitto_connack_string(connack_));
  return {};
}

Status MqttSink::deliver(std::span<const Record> batch) {
  if (!client_) {
    if (auto st = connect(); !st) {
      client_.reset();
      return st;
    }
  }
  for (const auto& r : batch) {
    std::string payload = r.json_line();
    int mid = 0;
    int rc = mosquitto_publish(client_.get(), &mid, options_.topic.c_str(),
                               static_cast<int>(payload.size()), payload.data(), options_.qos, false);
    if (rc != MOSQ_ERR_SUCCESS) {
      client_.reset();
      return make_error(std::string("mqtt publish: ") + mosquitto_strerror(rc));
    }
    pending_.insert(mid);
  }
  Status st = loop_until([&] { return pending_.empty(); });
  if (!st) client_.reset();
  return st;
}

}  // namespace peregrine::outputs
