#include "outputs/config/sink_factory.h"

#include <functional>
#include <map>

#include "common/strings.h"
#include "outputs/sinks/falcoalert/falcoalert_config.h"
#include "outputs/sinks/file_sink.h"
#include "outputs/sinks/http_sink.h"
#include "outputs/sinks/kafka_sink.h"
#include "outputs/sinks/mqtt_sink.h"
#include "outputs/sinks/nats_sink.h"
#include "outputs/sinks/payload_formats.h"
#include "outputs/sinks/program_sink.h"
#include "outputs/sinks/redis_sink.h"
#include "outputs/sinks/stdout_sink.h"
#include "outputs/sinks/syslog_sink.h"

namespace peregrine::outputs {
namespace {

using SinkResult = Result<std::unique_ptr<Sink>>;

// Unwraps a Result into `var`, or returns its error from the enclosing builder.
#define PEREGRINE_ASSIGN(var, expr)    \
  auto var##_result = (expr);          \
  if (!var##_result.ok()) return var##_result.error(); \
  auto var = std::move(*var##_result)

Result<bool> json_format(Settings& s, const std::string& fallback) {
  // Compared in place: moving the string out trips a GCC 12 -O3 maybe-uninitialized false alarm.
  auto format = s.string("format", fallback);
  if (!format.ok()) return format.error();
  if (*format == "json") return true;
  if (*format == "text") return false;
  return s.error("format", "must be 'json' or 'text'");
}

Result<std::chrono::milliseconds> timeout(Settings& s, int64_t fallback_ms) {
  PEREGRINE_ASSIGN(ms, s.integer("timeoutMs", fallback_ms, 1, 600000));
  return std::chrono::milliseconds(ms);
}

// The endpoint of an HTTP sink. `url_is_secret`: Slack and Teams webhook URLs carry their
// token in the path, so they come only from a file or Secret.
Result<HttpEndpoint> http_endpoint(Settings& s, bool url_is_secret) {
  HttpEndpoint e;
  if (url_is_secret) {
    PEREGRINE_ASSIGN(url, s.secret("url"));
    if (!url) return s.error("urlFile", "or 'urlSecretRef' is required (the URL holds the token)");
    e.url = *url;
  } else {
    PEREGRINE_ASSIGN(url, s.required_string("url"));
    e.url = url;
  }
  if (!e.url.starts_with("http://") && !e.url.starts_with("https://"))
    return s.error("url", "must start with http:// or https://");
  PEREGRINE_ASSIGN(headers, s.string_map("headers"));
  for (const auto& [k, v] : headers) {
    if (iequals(k, "authorization") || iequals(k, "proxy-authorization"))
      return s.error("headers", "may not carry '" + k + "': put it in 'headerFiles' or a Secret");
    e.headers.push_back(k + ": " + v);
  }
  // headerFiles: {Name: /path}: credentials such as "Authorization: Bearer ..." from files.
  PEREGRINE_ASSIGN(header_files, s.file_map("headerFiles"));
  for (const auto& [name, value] : header_files) e.headers.push_back(name + ": " + value);
  PEREGRINE_ASSIGN(header_secrets, s.secret_ref_map("headerSecretRefs"));
  for (const auto& [name, value] : header_secrets) e.headers.push_back(name + ": " + value);
  PEREGRINE_ASSIGN(tls, s.child("tls"));
  PEREGRINE_ASSIGN(ca, tls.file_or_secret_path("ca"));
  PEREGRINE_ASSIGN(cert, tls.file_or_secret_path("cert"));
  PEREGRINE_ASSIGN(key, tls.file_or_secret_path("key"));
  PEREGRINE_ASSIGN(insecure, tls.boolean("insecureSkipVerify", false));
  if (auto st = tls.check_no_unknown_keys(); !st) return st.error();
  if (cert.empty() != key.empty()) return s.error("tls", "needs both certFile and keyFile for mutual TLS");
  e.tls = TlsOptions{ca, cert, key, insecure};
  PEREGRINE_ASSIGN(t, timeout(s, 10000));
  e.timeout = t;
  return e;
}

SinkResult http_sink(Settings& s, bool url_is_secret, std::unique_ptr<PayloadFormat> format) {
  PEREGRINE_ASSIGN(endpoint, http_endpoint(s, url_is_secret));
  return std::unique_ptr<Sink>(std::make_unique<HttpSink>(std::move(endpoint), std::move(format)));
}

SinkResult make_stdout(Settings& s) {
  PEREGRINE_ASSIGN(json, json_format(s, "json"));
  return std::unique_ptr<Sink>(std::make_unique<StdoutSink>(json ? StdoutSink::Format::kJson
                                                                 : StdoutSink::Format::kText));
}

SinkResult make_file(Settings& s) {
  PEREGRINE_ASSIGN(path, s.path("path"));
  if (path.empty()) return s.error("path", "is required");
  PEREGRINE_ASSIGN(json, json_format(s, "json"));
  return std::unique_ptr<Sink>(std::make_unique<FileSink>(path, json));
}

SinkResult make_program(Settings& s) {
  PEREGRINE_ASSIGN(command, s.required_string("command"));
  PEREGRINE_ASSIGN(json, json_format(s, "json"));
  return std::unique_ptr<Sink>(std::make_unique<ProgramSink>(command, json));
}

SinkResult make_syslog(Settings& s) {
  SyslogOptions o;
  PEREGRINE_ASSIGN(transport, s.string("transport", "udp"));
  if (transport == "udp") o.transport = SyslogOptions::Transport::kUdp;
  else if (transport == "tcp") o.transport = SyslogOptions::Transport::kTcp;
  else if (transport == "unix") o.transport = SyslogOptions::Transport::kUnix;
  else return s.error("transport", "must be udp, tcp or unix");
  PEREGRINE_ASSIGN(host, s.string("host", o.host));
  PEREGRINE_ASSIGN(port, s.integer("port", o.port, 1, 65535));
  PEREGRINE_ASSIGN(path, s.string("socketPath", o.socket_path));
  PEREGRINE_ASSIGN(facility, s.integer("facility", o.facility, 0, 23));
  PEREGRINE_ASSIGN(app, s.string("appName", o.app_name));
  PEREGRINE_ASSIGN(json, json_format(s, "text"));
  PEREGRINE_ASSIGN(t, timeout(s, 5000));
  o.host = host;
  o.port = static_cast<int>(port);
  o.socket_path = path;
  o.facility = static_cast<int>(facility);
  o.app_name = app;
  o.json = json;
  o.timeout = t;
  return std::unique_ptr<Sink>(std::make_unique<SyslogSink>(o));
}

SinkResult make_redis(Settings& s) {
  RedisOptions o;
  PEREGRINE_ASSIGN(host, s.string("host", o.host));
  PEREGRINE_ASSIGN(port, s.integer("port", o.port, 1, 65535));
  PEREGRINE_ASSIGN(key, s.string("key", o.key));
  PEREGRINE_ASSIGN(mode, s.string("mode", "list"));
  PEREGRINE_ASSIGN(max_len, s.integer("streamMaxLen", 0, 0, INT64_MAX));
  PEREGRINE_ASSIGN(db, s.integer("database", 0, 0, 1 << 20));
  PEREGRINE_ASSIGN(password, s.secret("password"));
  PEREGRINE_ASSIGN(t, timeout(s, 5000));
  if (mode == "list") o.mode = RedisOptions::Mode::kList;
  else if (mode == "stream") o.mode = RedisOptions::Mode::kStream;
  else return s.error("mode", "must be 'list' or 'stream'");
  o.host = host;
  o.port = static_cast<int>(port);
  o.key = key;
  o.stream_max_len = max_len;
  o.database = static_cast<int>(db);
  o.password = password.value_or("");
  o.timeout = t;
  return std::unique_ptr<Sink>(std::make_unique<RedisSink>(o));
}

SinkResult make_nats(Settings& s) {
  NatsOptions o;
  PEREGRINE_ASSIGN(host, s.string("host", o.host));
  PEREGRINE_ASSIGN(port, s.integer("port", o.port, 1, 65535));
  PEREGRINE_ASSIGN(subject, s.string("subject", o.subject));
  PEREGRINE_ASSIGN(user, s.string("user", ""));
  PEREGRINE_ASSIGN(password, s.secret("password"));
  PEREGRINE_ASSIGN(token, s.secret("token"));
  PEREGRINE_ASSIGN(t, timeout(s, 5000));
  if (subject.empty() || subject.find_first_of(" \t\r\n") != std::string::npos)
    return s.error("subject", "must be a non-empty subject without spaces");
  o.host = host;
  o.port = static_cast<int>(port);
  o.subject = subject;
  o.user = user;
  o.password = password.value_or("");
  o.token = token.value_or("");
  o.timeout = t;
  return std::unique_ptr<Sink>(std::make_unique<NatsSink>(o));
}

SinkResult make_mqtt(Settings& s) {
  MqttOptions o;
  PEREGRINE_ASSIGN(host, s.string("host", o.host));
  PEREGRINE_ASSIGN(port, s.integer("port", o.port, 1, 65535));
  PEREGRINE_ASSIGN(topic, s.string("topic", o.topic));
  PEREGRINE_ASSIGN(qos, s.integer("qos", o.qos, 0, 2));
  PEREGRINE_ASSIGN(client_id, s.string("clientId", o.client_id));
  PEREGRINE_ASSIGN(user, s.string("user", ""));
  PEREGRINE_ASSIGN(password, s.secret("password"));
  PEREGRINE_ASSIGN(tls, s.child("tls"));
  PEREGRINE_ASSIGN(ca, tls.file_or_secret_path("ca"));
  PEREGRINE_ASSIGN(cert, tls.file_or_secret_path("cert"));
  PEREGRINE_ASSIGN(key, tls.file_or_secret_path("key"));
  if (auto st = tls.check_no_unknown_keys(); !st) return st.error();
  PEREGRINE_ASSIGN(t, timeout(s, 5000));
  o.host = host;
  o.port = static_cast<int>(port);
  o.topic = topic;
  o.qos = static_cast<int>(qos);
  o.client_id = client_id;
  o.user = user;
  o.password = password.value_or("");
  o.ca_file = ca;
  o.cert_file = cert;
  o.key_file = key;
  o.timeout = t;
  return std::unique_ptr<Sink>(std::make_unique<MqttSink>(o));
}

SinkResult make_kafka(Settings& s) {
  KafkaOptions o;
  PEREGRINE_ASSIGN(brokers, s.required_string("brokers"));
  PEREGRINE_ASSIGN(topic, s.string("topic", o.topic));
  PEREGRINE_ASSIGN(props, s.string_map("properties"));
  PEREGRINE_ASSIGN(sasl_password, s.secret("saslPassword"));
  PEREGRINE_ASSIGN(t, timeout(s, 10000));
  for (const auto& [k, v] : props)
    if (k.find("password") != std::string::npos || k.find("secret") != std::string::npos)
      return s.error("properties", "may not carry '" + k + "': use saslPasswordFile or a Secret");
  o.brokers = brokers;
  o.topic = topic;
  o.properties = props;
  if (sasl_password) o.properties["sasl.password"] = *sasl_password;
  o.timeout = t;
  auto sink = KafkaSink::create(std::move(o));
  if (!sink.ok()) return make_error(s.where() + ": " + sink.error().message);
  return std::unique_ptr<Sink>(std::move(*sink));
}

SinkResult make_slack(Settings& s) {
  PEREGRINE_ASSIGN(username, s.string("username", ""));
  PEREGRINE_ASSIGN(channel, s.string("channel", ""));
  return http_sink(s, true, make_slack_format(username, channel));
}

SinkResult make_alertmanager(Settings& s) {
  PEREGRINE_ASSIGN(fields, s.string_list("labelFields"));
  PEREGRINE_ASSIGN(expire, s.integer("expireAfterSeconds", 600, 1, 86400 * 7));
  return http_sink(s, false, make_alertmanager_format(fields, static_cast<int>(expire)));
}

SinkResult make_loki(Settings& s) {
  PEREGRINE_ASSIGN(labels, s.string_map("labels"));
  return http_sink(s, false, make_loki_format({labels.begin(), labels.end()}));
}

SinkResult make_elasticsearch(Settings& s) {
  PEREGRINE_ASSIGN(index, s.string("index", "falco-%Y.%m.%d"));
  return http_sink(s, false, make_elasticsearch_format(index));
}

SinkResult make_webhook(Settings& s) {
  PEREGRINE_ASSIGN(batch, s.boolean("batch", false));
  return http_sink(s, false, make_webhook_format(batch));
}

const std::map<std::string, std::function<SinkResult(Settings&)>>& builders() {
  static const std::map<std::string, std::function<SinkResult(Settings&)>> b = {
      {"stdout", make_stdout},
      {"file", make_file},
      {"program", make_program},
      {"syslog", make_syslog},
      {"webhook", make_webhook},
      {"slack", make_slack},
      {"teams", [](Settings& s) { return http_sink(s, true, make_teams_format()); }},
      {"alertmanager", make_alertmanager},
      {"loki", make_loki},
      {"elasticsearch", make_elasticsearch},
      {"nats", make_nats},
      {"mqtt", make_mqtt},
      {"kafka", make_kafka},
      {"redis", make_redis},
      {"falcoalert", falcoalert::make_falcoalert_sink},
  };
  return b;
}

}  // namespace

const std::vector<std::string>& sink_types() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> t;
    for (const auto& [k, v] : builders()) t.push_back(k);
    return t;
  }();
  return types;
}

Result<std::unique_ptr<Sink>> make_sink(const std::string& type, Settings& settings) {
  auto it = builders().find(type);
  if (it == builders().end()) {
    std::string hint;
    if (auto close = closest_match(type, sink_types())) hint = " (did you mean '" + *close + "'?)";
    return settings.error("type", "is unknown: '" + type + "'" + hint);
  }
  return it->second(settings);
}

}  // namespace peregrine::outputs
