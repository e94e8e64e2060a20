// Sinks against the real servers, started by each test on loopback and killed after:
// redis-server, nats-server, mosquitto, rsyslogd. Each delivers and then reads the alerts
// back through the server's own protocol or output.
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>
#include <mosquitto.h>

#include "outputs/core/renderer.h"
#include "outputs/sinks/mqtt_sink.h"
#include "outputs/sinks/nats_sink.h"
#include "outputs/sinks/redis_sink.h"
#include "outputs/sinks/fd.h"
#include "outputs/sinks/syslog_sink.h"
#include "outputs/testing/child_process.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {
using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::TempDir;

std::vector<Record> records(int n) {
  std::vector<Record> out;
  for (int i = 0; i < n; ++i)
    out.push_back(Renderer{}.render(testing::make_alert(
        "Rule \"quoted\" ]" + std::to_string(i), engine::Priority::kError, {"a", "b"}, uint64_t(i))));
  return out;
}

// Runs a shell command and returns its standard output.
std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  return out;
}

TEST(RedisSink, PushesToAListAndAStreamWithAuth) {
  TempDir dir;
  int port = testing::free_port();
  auto server = ChildProcess::start({"redis-server", "--port", std::to_string(port), "--bind",
                                     "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                                     dir.path(), "--requirepass", "s3cret"},
                                    dir.file("redis.log"));
  ASSERT_TRUE(server.running()) << "redis-server is not installed (scripts/setup.sh)";
  ASSERT_TRUE(testing::wait_for_tcp(port));
  RedisOptions o;
  o.port = port;
  o.key = "falco";
  o.password = "s3cret";
  RedisSink list(o);
  auto st = list.deliver(records(3));
  ASSERT_TRUE(st.ok()) << st.error().message;
  ASSERT_TRUE(list.deliver(records(2)).ok());
  std::string cli = "redis-cli -p " + std::to_string(port) + " -a s3cret --no-auth-warning ";
  EXPECT_EQ(run(cli + "LLEN falco"), "5\n");
  auto first = nlohmann::json::parse(run(cli + "LINDEX falco 0"));
  EXPECT_EQ(first["rule"], "Rule \"quoted\" ]0");

  o.mode = RedisOptions::Mode::kStream;
  o.key = "falco-stream";
  o.stream_max_len = 1000;
  RedisSink stream(o);
  ASSERT_TRUE(stream.deliver(records(4)).ok());
  EXPECT_EQ(run(cli + "XLEN falco-stream"), "4\n");

  o.password = "wrong";
  RedisSink bad(o);
  auto refused = bad.deliver(records(1));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("redis:"), std::string::npos);
}

TEST(NatsSink, PublishesToASubject) {
  TempDir dir;
  int port = testing::free_port();
  auto server = ChildProcess::start({"nats-server", "-a", "127.0.0.1", "-p", std::to_string(port)},
                                    dir.file("nats.log"));
  ASSERT_TRUE(server.running()) << "nats-server is not installed (scripts/setup.sh)";
  ASSERT_TRUE(testing::wait_for_tcp(port));
  // A subscriber speaking the protocol directly.
  auto sub = connect_inet("127.0.0.1", port, true, 10000ms);
  ASSERT_TRUE(sub.ok());
  std::string buf;
  ASSERT_TRUE(read_line(sub->get(), buf).ok());  // INFO
  ASSERT_TRUE(write_all(sub->get(), "CONNECT {\"verbose\":false}\r\nSUB falco.alerts 1\r\nPING\r\n", true).ok());
  auto pong = read_line(sub->get(), buf);
  ASSERT_TRUE(pong.ok());
  ASSERT_EQ(*pong, "PONG");

  NatsOptions o;
  o.port = port;
  o.subject = "falco.alerts";
  NatsSink sink(o);
  auto st = sink.deliver(records(3));
  ASSERT_TRUE(st.ok()) << st.error().message;
  for (int i = 0; i < 3; ++i) {
    auto header = read_line(sub->get(), buf);
    ASSERT_TRUE(header.ok());
    ASSERT_TRUE(header->starts_with("MSG falco.alerts 1 ")) << *header;
    size_t len = std::stoul(header->substr(header->rfind(' ') + 1));
    auto payload = read_exact(sub->get(), buf, len + 2);
    ASSERT_TRUE(payload.ok());
    EXPECT_EQ(nlohmann::json::parse(payload->substr(0, len))["rule"], "Rule \"quoted\" ]" + std::to_string(i));
  }
  // The server going away fails the next batch instead of hanging.
  server.stop();
  EXPECT_FALSE(sink.deliver(records(1)).ok());
}

// A subscriber with its own bounded loop (mosquitto_subscribe_simple has no timeout).
struct MqttSubscriber {
  mosquitto* client = nullptr;
  bool subscribed = false;
  std::vector<std::string> payloads;

  explicit MqttSubscriber(int port) {
    mosquitto_lib_init();
    client = mosquitto_new("peregrine-test-sub", true, this);
    mosquitto_subscribe_callback_set(client, [](mosquitto*, void* self, int, int, const int*) {
      static_cast<MqttSubscriber*>(self)->subscribed = true;
    });
    mosquitto_message_callback_set(client, [](mosquitto*, void* self, const mosquitto_message* m) {
      static_cast<MqttSubscriber*>(self)->payloads.emplace_back(static_cast<const char*>(m->payload),
                                                                size_t(m->payloadlen));
    });
    if (mosquitto_connect(client, "127.0.0.1", port, 30) == MOSQ_ERR_SUCCESS)
      mosquitto_subscribe(client, nullptr, "falco/alerts", 1);
  }
  ~MqttSubscriber() { mosquitto_destroy(client); }
  template <typename Done>
  bool loop_until(Done done) {
    for (int i = 0; i < 200 && !done(); ++i) mosquitto_loop(client, 50, 1);
    return done();
  }
};

TEST(MqttSink, PublishesWithQos1) {
  TempDir dir;
  int port = testing::free_port();
  testing::write_text_file(dir.file("mosquitto.conf"),
                           "listener " + std::to_string(port) + " 127.0.0.1\nallow_anonymous true\n");
  auto server = ChildProcess::start({"mosquitto", "-c", dir.file("mosquitto.conf")}, dir.file("mosquitto.log"));
  ASSERT_TRUE(server.running()) << "mosquitto is not installed (scripts/setup.sh)";
  ASSERT_TRUE(testing::wait_for_tcp(port));
  MqttSubscriber sub(port);
  ASSERT_TRUE(sub.loop_until([&] { return sub.subscribed; }));
  MqttOptions o;
  o.port = port;
  MqttSink sink(o);
  auto st = sink.deliver(records(3));
  ASSERT_TRUE(st.ok()) << st.error().message;
  ASSERT_TRUE(sub.loop_until([&] { return sub.payloads.size() >= 3; }));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(nlohmann::json::parse(sub.payloads[i])["rule"], "Rule \"quoted\" ]" + std::to_string(i));
  server.stop();
  EXPECT_FALSE(sink.deliver(records(1)).ok());
}

struct Rsyslog {
  TempDir dir;
  int udp_port = testing::free_port();
  int tcp_port = testing::free_port();
  ChildProcess process;

  Rsyslog() {
    testing::write_text_file(
        dir.file("rsyslog.conf"),
        "global(workDirectory=\"" + dir.path() + "\")\n"
        "module(load=\"imudp\")\nmodule(load=\"imtcp\")\n"
        "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
        "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" + std::to_string(udp_port) + "\")\n"
        "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + std::to_string(tcp_port) + "\")\n"
        "input(type=\"imuxsock\" Socket=\"" + dir.file("log.sock") + "\" UseSpecialParser=\"off\")\n"
        "template(name=\"fields\" type=\"string\" string=\"%pri%|%app-name%|%msgid%|"
        "%structured-data%|%msg%\\n\")\n"
        "*.* action(type=\"omfile\" file=\"" + dir.file("out.log") + "\" template=\"fields\")\n");
    process = ChildProcess::start({"rsyslogd", "-n", "-f", dir.file("rsyslog.conf"), "-i",
                                   dir.file("rsyslogd.pid")},
                                  dir.file("rsyslogd.log"));
  }
  std::vector<std::string> lines(size_t want) {
    std::vector<std::string> out;
    for (int i = 0; i < 1000; ++i) {
      out.clear();
      std::string text = testing::read_text_file(dir.file("out.log"));
      for (size_t s = 0, e; (e = text.find('\n', s)) != std::string::npos; s = e + 1)
        out.push_back(text.substr(s, e - s));
      if (out.size() >= want) break;
      std::this_thread::sleep_for(10ms);
    }
    return out;
  }
};

TEST(SyslogSink, Rfc5424OverUdpTcpAndUnixSocketIntoRsyslog) {
  Rsyslog rsyslog;
  ASSERT_TRUE(rsyslog.process.running()) << "rsyslogd is not installed (scripts/setup.sh)";
  ASSERT_TRUE(testing::wait_for_tcp(rsyslog.tcp_port));
  for (int i = 0; i < 500 && ::access(rsyslog.dir.file("log.sock").c_str(), F_OK) != 0; ++i)
    std::this_thread::sleep_for(10ms);

  SyslogOptions tcp;
  tcp.transport = SyslogOptions::Transport::kTcp;
  tcp.port = rsyslog.tcp_port;
  auto st = SyslogSink(tcp).deliver(records(2));
  ASSERT_TRUE(st.ok()) << st.error().message;
  auto lines = rsyslog.lines(2);
  ASSERT_EQ(lines.size(), 2u);
  // local0 (16) * 8 + Error (3) = 131.
  EXPECT_EQ(lines[0].substr(0, lines[0].find("|[")), "131|peregrine|alert");
  EXPECT_NE(lines[0].find(R"(rule="Rule \"quoted\" \]0")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("A shell was spawned"), std::string::npos);

  SyslogOptions udp;
  udp.port = rsyslog.udp_port;
  udp.json = true;
  ASSERT_TRUE(SyslogSink(udp).deliver(records(1)).ok());
  lines = rsyslog.lines(3);
  ASSERT_EQ(lines.size(), 3u);
  auto json_at = lines[2].find('{');
  ASSERT_NE(json_at, std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(lines[2].substr(json_at))["priority"], "Error");

  SyslogOptions unix_socket;
  unix_socket.transport = SyslogOptions::Transport::kUnix;
  unix_socket.socket_path = rsyslog.dir.file("log.sock");
  ASSERT_TRUE(SyslogSink(unix_socket).deliver(records(1)).ok());
  lines = rsyslog.lines(4);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_TRUE(lines[3].starts_with("131|peregrine|alert|")) << lines[3];
}

TEST(SyslogSink, FormatsRfc5424) {
  auto rec = records(1)[0];
  SyslogOptions o;
  std::string msg = format_rfc5424(rec, o, 42);
  EXPECT_EQ(msg.substr(0, msg.find(" [")),
            "<131>1 2023-11-14T22:13:20.123456Z node-1 peregrine 42 alert");
  EXPECT_NE(msg.find(R"([peregrine@32473 rule="Rule \"quoted\" \]0" priority="Error" source="syscall" tags="a,b"] )"),
            std::string::npos)
      << msg;
}

}  // namespace
}  // namespace peregrine::outputs
