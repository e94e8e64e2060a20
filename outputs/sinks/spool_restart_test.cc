// With a spool, alerts survive a sink outage and the death of the agent: a child process (the
// "agent") queues alerts for a webhook that is down, is killed with SIGKILL mid-outage, and a
// new dispatcher over the same spool delivers every alert once the sink is back.
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "outputs/config/config_context.h"
#include "outputs/core/dispatcher.h"
#include "outputs/testing/child_process.h"
#include "outputs/testing/http_receiver.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {
using namespace std::chrono_literals;

constexpr uint64_t kAlerts = 3000;

std::string config(int port, const std::string& spool_dir) {
  return "- name: siem\n  type: webhook\n  url: 'http://127.0.0.1:" + std::to_string(port) +
         "/'\n  batch: true\n  timeoutMs: 2000\n  spool: {dir: '" + spool_dir +
         "', maxBytes: 67108864}\n  delivery: {queueCapacity: 100000, initialBackoffMs: 10, "
         "maxBackoffMs: 50, breakerFailures: 2, breakerOpenMs: 50}\n";
}

TEST(SpoolRestart, AlertsSurviveAKilledAgentAndArriveWhenTheSinkReturns) {
  testing::TempDir dir;
  const int port = testing::free_port();
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t agent = ::fork();
  ASSERT_GE(agent, 0);
  if (agent == 0) {
    // The agent: the sink is down; queue everything, say so once it is all on disk, then wait
    // to be killed.
    ::close(ready[0]);
    auto d = Dispatcher::from_config(YAML::Load(config(port, dir.file("spool"))), ConfigContext{});
    if (!d.ok()) ::_exit(2);
    auto alert = testing::make_alert();
    for (uint64_t i = 0; i < kAlerts; ++i) {
      alert.output_fields["proc.pid"] = i;
      (*d)->enqueue(alert);
    }
    for (int i = 0; i < 3000; ++i) {
      const auto& m = (*d)->worker(0).metrics();
      if (m.spool_pending.load() + m.sent.load() == kAlerts && m.queue_depth.load() == 0) {
        (void)!::write(ready[1], "k", 1);
        for (;;) ::pause();
      }
      std::this_thread::sleep_for(10ms);
    }
    ::_exit(3);  // never ready: the parent's read sees end of file
  }
  ::close(ready[1]);
  char byte = 0;
  ssize_t got = ::read(ready[0], &byte, 1);
  ::close(ready[0]);
  ::kill(agent, SIGKILL);
  ::waitpid(agent, nullptr, 0);
  ASSERT_EQ(got, 1) << "the agent never spooled its alerts";

  // The sink comes back; a new agent starts over the same spool.
  testing::HttpReceiver rx(nullptr, nullptr, port);
  ASSERT_EQ(rx.port(), port);
  auto d = Dispatcher::from_config(YAML::Load(config(port, dir.file("spool"))), ConfigContext{});
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)->worker(0).metrics().spool_pending.load(), kAlerts);
  for (int i = 0; i < 3000 && (*d)->worker(0).metrics().spool_pending.load() > 0; ++i)
    std::this_thread::sleep_for(10ms);
  (*d)->shutdown(5s);

  std::set<uint64_t> seen;
  for (const auto& r : rx.requests()) {
    size_t start = 0;
    for (size_t end; (end = r.body.find('\n', start)) != std::string::npos; start = end + 1)
      seen.insert(nlohmann::json::parse(r.body.substr(start, end - start))["output_fields"]["proc.pid"].get<uint64_t>());
  }
  EXPECT_EQ(seen.size(), kAlerts);  // every alert, at least once
  EXPECT_EQ((*d)->worker(0).metrics().spool_pending.load(), 0u);
}

}  // namespace
}  // namespace peregrine::outputs
