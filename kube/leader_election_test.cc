// Leader election against the real API test server process. Lease expiry and renew deadlines
// run on a FakeClock the tests move by hand; waits poll a condition with a generous deadline,
// and nothing asserts on how long anything took.
#include "kube/leader_election.h"

#include <gtest/gtest.h>

#include <thread>

#include "kube/curl_transport.h"
#include "kube/testing/api_test_server.h"

namespace peregrine::kube {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ApiTestServer;

const ResourceRef kLeases{"coordination.k8s.io", "v1", "leases", true};

template <typename F>
bool eventually(F condition) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return condition();
}

// Counts callbacks; read from the test thread while the elector thread writes.
struct Events {
  std::atomic<int> started{0}, stopped{0};
  LeaderCallbacks callbacks() {
    return {[this] { ++started; }, [this] { ++stopped; }, nullptr};
  }
};

// Fake time: a 60 s lease, a 40 s renew deadline. Retries wait 10 ms of real time.
LeaderElectionConfig election(const std::string& identity, std::shared_ptr<Clock> clock, LeaderCallbacks callbacks = {}) {
  LeaderElectionConfig c;
  c.lease_name = "peregrine-operator";
  c.identity = identity;
  c.lease_duration = seconds(60);
  c.renew_deadline = milliseconds(40000);
  c.retry_period = milliseconds(10);
  c.clock = std::move(clock);
  c.callbacks = std::move(callbacks);
  return c;
}

std::unique_ptr<LeaderElector> elector(std::shared_ptr<Client> client, LeaderElectionConfig config) {
  auto made = LeaderElector::create(std::move(client), std::move(config));
  EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().message);
  return made.ok() ? std::move(*made) : nullptr;
}

LeaseRecord lease_now(Client& client) {
  auto lease = client.get(kLeases, "default", "peregrine-operator");
  EXPECT_TRUE(lease.ok());
  return lease.ok() ? lease_record_from(*lease) : LeaseRecord{};
}

// Waits until `e` has made `n` more attempts than it had when called.
void wait_attempts(const LeaderElector& e, uint64_t n) {
  uint64_t from = e.stats().attempts;
  ASSERT_TRUE(eventually([&] { return e.stats().attempts >= from + n; }));
}

TEST(LeaderElection, ConfigErrorsSayWhatIsWrong) {
  ClientConfig unused;
  unused.server = "http://127.0.0.1:1";  // never contacted: create() fails before any request
  auto client = std::make_shared<Client>(unused);
  auto config = election("a", nullptr);
  config.renew_deadline = milliseconds(60000);
  auto made = LeaderElector::create(client, config);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().message,
            "leader election: lease_duration (60000 ms) must be longer than renew_deadline (60000 ms)");
  config = election("", nullptr);
  EXPECT_EQ(LeaderElector::create(client, config).error().message, "leader election: identity is empty");
  config = election("a", nullptr);
  config.renew_deadline = milliseconds(5000);  // the client's default request timeout is 30 s
  EXPECT_NE(LeaderElector::create(client, config).error().message.find("request timeout (30000 ms)"),
            std::string::npos);
}

TEST(LeaderElection, AcquireWritesTheLeaseAndRenewKeepsAcquireTime) {
  ApiTestServer server;
  ASSERT_TRUE(server.ok());
  auto client = std::make_shared<Client>(server.config());
  auto clock = std::make_shared<FakeClock>();
  auto a = elector(client, election("a", clock));
  ASSERT_TRUE(a);
  auto first = a->try_acquire_or_renew();
  ASSERT_TRUE(first.ok()) << first.error().describe();
  EXPECT_TRUE(*first);
  json lease = *client->get(kLeases, "default", "peregrine-operator");
  EXPECT_EQ(lease["spec"], json({{"holderIdentity", "a"},
                                 {"leaseDurationSeconds", 60},
                                 {"acquireTime", "2026-11-22T00:00:00.000000Z"},
                                 {"renewTime", "2026-11-22T00:00:00.000000Z"},
                                 {"leaseTransitions", 0}}));
  clock->advance(milliseconds(1500));
  ASSERT_TRUE(a->try_acquire_or_renew().ok());
  LeaseRecord renewed = lease_now(*client);
  EXPECT_EQ(format_micro_time(renewed.acquire_time), "2026-11-22T00:00:00.000000Z");
  EXPECT_EQ(format_micro_time(renewed.renew_time), "2026-11-22T00:00:01.500000Z");
  EXPECT_EQ(renewed.lease_transitions, 0);
  EXPECT_EQ(a->leader(), "a");
}

TEST(LeaderElection, TwoCandidatesExactlyOneLeads) {
  ApiTestServer server;
  auto client = std::make_shared<Client>(server.config());
  auto clock = std::make_shared<FakeClock>();
  Events ea, eb;
  auto a = elector(client, election("a", clock, ea.callbacks()));
  auto b = elector(client, election("b", clock, eb.callbacks()));
  ASSERT_TRUE(a && b);
  a->start();
  b->start();
  ASSERT_TRUE(eventually([&] { return a->is_leader() || b->is_leader(); }));
  wait_attempts(*a, 5);
  wait_attempts(*b, 5);
  EXPECT_NE(a->is_leader(), b->is_leader());
  EXPECT_EQ(ea.started + eb.started, 1);
  std::string leader = a->is_leader() ? "a" : "b";
  EXPECT_EQ(lease_now(*client).holder_identity, leader);
  EXPECT_EQ(a->leader(), leader);
  EXPECT_EQ(b->leader(), leader);
}

TEST(LeaderElection, ReleaseOnStopHandsOverWithoutWaitingForExpiry) {
  ApiTestServer server;
  auto client = std::make_shared<Client>(server.config());
  auto clock = std::make_shared<FakeClock>();
  Events ea, eb;
  auto a = elector(client, election("a", clock, ea.callbacks()));
  auto b = elector(client, election("b", clock, eb.callbacks()));
  a->start();
  ASSERT_TRUE(eventually([&] { return a->is_leader(); }));
  b->start();
  wait_attempts(*b, 3);
  EXPECT_FALSE(b->is_leader());
  a->stop();
  EXPECT_EQ(ea.stopped, 1);
  EXPECT_FALSE(a->is_leader());
  // The clock never moves: only the release lets b in.
  ASSERT_TRUE(eventually([&] { return b->is_leader(); }));
  LeaseRecord lease = lease_now(*client);
  EXPECT_EQ(lease.holder_identity, "b");
  EXPECT_EQ(lease.lease_transitions, 1);
  EXPECT_EQ(eb.started, 1);
}

TEST(LeaderElection, VanishedLeaderIsReplacedOnlyAfterExpiry) {
  ApiTestServer server;
  auto client = std::make_shared<Client>(server.config());
  auto clock = std::make_shared<FakeClock>();
  auto config_a = election("a", clock);
  config_a.release_on_stop = false;  // as if the process had been killed
  auto a = elector(client, config_a);
  auto b = elector(client, election("b", clock));
  a->start();
  ASSERT_TRUE(eventually([&] { return a->is_leader(); }));
  a->stop();
  b->start();
  wait_attempts(*b, 5);
  EXPECT_FALSE(b->is_leader());
  EXPECT_EQ(lease_now(*client).holder_identity, "a");
  clock->advance(seconds(59));
  wait_attempts(*b, 3);
  EXPECT_FALSE(b->is_leader());
  clock->advance(seconds(2));
  ASSERT_TRUE(eventually([&] { return b->is_leader(); }));
  EXPECT_EQ(lease_now(*client).lease_transitions, 1);
}

TEST(LeaderElection, LeaderWhoseRenewalsFailStepsDownAtTheDeadline) {
  ApiTestServer server;
  auto config = server.config();
  config.request_timeout = milliseconds(2000);
  auto client = std::make_shared<Client>(config);
  auto clock = std::make_shared<FakeClock>();
  Events ea;
  auto a = elector(client, election("a", clock, ea.callbacks()));
  a->start();
  ASSERT_TRUE(eventually([&] { return a->is_leader(); }));
  ASSERT_TRUE(server.admin("/_test/fail?count=1000000&status=500&path=/apis/coordination.k8s.io"));
  uint64_t failures = a->stats().failures;
  ASSERT_TRUE(eventually([&] { return a->stats().failures >= failures + 2; }));
  EXPECT_TRUE(a->is_leader());  // failures alone do not end a term; the deadline does
  clock->advance(milliseconds(40001));
  ASSERT_TRUE(eventually([&] { return ea.stopped.load() == 1; }));
  EXPECT_FALSE(a->is_leader());
  // Once the API answers again the candidate campaigns and, still named in the lease, takes it back.
  ASSERT_TRUE(server.admin("/_test/fail?count=0"));
  ASSERT_TRUE(eventually([&] { return a->is_leader(); }));
  EXPECT_EQ(a->stats().terms, 2u);
  EXPECT_EQ(ea.started, 2);
}

// Runs `before_put` once, just before the next PUT goes out: another writer slipping in
// between this candidate's read and its write.
class RacingTransport final : public Transport {
 public:
  explicit RacingTransport(const ClientConfig& config) : inner_(config) {}
  std::function<void()> before_put;

  ApiResult<HttpResponse> execute(const HttpRequest& request) override {
    if (request.method == "PUT" && before_put) std::exchange(before_put, nullptr)();
    return inner_.execute(request);
  }
  ApiResult<HttpResponse> stream(const HttpRequest& request, const std::function<bool(std::string_view)>& on_data,
                                 const std::function<bool()>& cancelled) override {
    return inner_.stream(request, on_data, cancelled);
  }

 private:
  CurlTransport inner_;
};

TEST(LeaderElection, LosingAWriteRaceIsAConflictNotATerm) {
  ApiTestServer server;
  auto clock = std::make_shared<FakeClock>();
  auto plain = std::make_shared<Client>(server.config());
  auto racing = std::make_shared<RacingTransport>(server.config());
  auto a = elector(plain, election("a", clock));
  auto b = elector(std::make_shared<Client>(server.config(), racing), election("b", clock));
  auto c = elector(plain, election("c", clock));
  ASSERT_TRUE(*a->try_acquire_or_renew());
  ASSERT_FALSE(*b->try_acquire_or_renew());  // both see a's lease from now on
  ASSERT_FALSE(*c->try_acquire_or_renew());
  clock->advance(seconds(61));  // a is gone; b and c both find the lease expired

  ApiResult<bool> c_result = false;
  racing->before_put = [&] { c_result = c->try_acquire_or_renew(); };
  auto b_result = b->try_acquire_or_renew();
  ASSERT_TRUE(c_result.ok());
  EXPECT_TRUE(*c_result);
  ASSERT_FALSE(b_result.ok());
  EXPECT_TRUE(b_result.error().is_conflict()) << b_result.error().describe();
  EXPECT_EQ(b->stats().conflicts, 1u);
  EXPECT_FALSE(b->is_leader());
  LeaseRecord lease = lease_now(*plain);
  EXPECT_EQ(lease.holder_identity, "c");
  EXPECT_EQ(lease.lease_transitions, 1);
  // b's next look sees c's fresh renewal and waits.
  auto again = b->try_acquire_or_renew();
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(b->leader(), "c");
}

}  // namespace
}  // namespace peregrine::kube
