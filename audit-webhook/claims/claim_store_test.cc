#include "audit-webhook/claims/claim_store.h"

#include <gtest/gtest.h>

#include <chrono>

#include "audit-webhook/claims/claims_test_support.h"

namespace peregrine::audit {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

using testing::store_options;
constexpr const char* kNs = testing::kClaimsNs;

const kube::ResourceRef& leases() {
  static const kube::ResourceRef ref{"coordination.k8s.io", "v1", "leases", true};
  return ref;
}

TEST(ClaimObjectName, HashOfTheWholeKey) {
  std::string name = claim_object_name({"a1b2", "ResponseComplete", "Exec into pod"});
  EXPECT_EQ(name.rfind("peregrine-audit-claim-", 0), 0u);
  EXPECT_EQ(name.size(), std::string("peregrine-audit-claim-").size() + 32);
  EXPECT_EQ(name, claim_object_name({"a1b2", "ResponseComplete", "Exec into pod"}));
  EXPECT_NE(name, claim_object_name({"a1b2", "ResponseStarted", "Exec into pod"}));
  EXPECT_NE(name, claim_object_name({"a1b3", "ResponseComplete", "Exec into pod"}));
  EXPECT_NE(name, claim_object_name({"a1b2", "ResponseComplete", "Exec into pods"}));
  // The separator keeps the fields apart.
  EXPECT_NE(claim_object_name({"ab", "c", "r"}), claim_object_name({"a", "bc", "r"}));
}

using ClaimStoreTest = testing::ClaimsApiTest;

TEST_F(ClaimStoreTest, FirstCreateWinsTheRestAreTaken) {
  ASSERT_TRUE(server_.ok());
  ClaimStore a(client_, store_options("replica-a"), clock_);
  ClaimStore b(client_, store_options("replica-b"), clock_);
  ClaimKey key{"0b5a1b1c-1", "ResponseComplete", "Exec into pod"};
  ClaimResult first = a.claim(key);
  EXPECT_EQ(first.outcome, ClaimOutcome::kWon) << first.error;
  EXPECT_EQ(b.claim(key).outcome, ClaimOutcome::kTaken);
  EXPECT_EQ(a.claim(key).outcome, ClaimOutcome::kTaken);  // an earlier attempt of our own

  auto lease = client_.get(leases(), kNs, claim_object_name(key));
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ((*lease)["spec"]["holderIdentity"], "replica-a");
  EXPECT_EQ((*lease)["spec"]["acquireTime"], "2026-11-22T00:00:00.000000Z");
  EXPECT_EQ((*lease)["spec"]["leaseDurationSeconds"], 600);
  EXPECT_EQ((*lease)["metadata"]["labels"]["peregrine.dev/component"], "audit-claim");
  EXPECT_EQ((*lease)["metadata"]["labels"]["app.kubernetes.io/part-of"], "peregrine");
  EXPECT_EQ((*lease)["metadata"]["annotations"]["peregrine.dev/audit-id"], "0b5a1b1c-1");
  EXPECT_EQ((*lease)["metadata"]["annotations"]["peregrine.dev/rule"], "Exec into pod");
}

TEST_F(ClaimStoreTest, OnlyAlreadyExistsIsTaken) {
  ASSERT_TRUE(server_.ok());
  ClaimStore store(client_, store_options("replica-a"), clock_);
  // A 409 that is not AlreadyExists (a conflict of another kind) gives no verdict.
  ASSERT_TRUE(server_.admin("/_test/fail?count=1&status=409&path=/apis/coordination.k8s.io"));
  ClaimResult conflict = store.claim({"id-1", "ResponseComplete", "r"});
  EXPECT_EQ(conflict.outcome, ClaimOutcome::kFailed);
  EXPECT_NE(conflict.error.find("409"), std::string::npos) << conflict.error;

  ASSERT_TRUE(server_.admin("/_test/fail?count=1&status=403&path=/apis/coordination.k8s.io"));
  ClaimResult forbidden = store.claim({"id-1", "ResponseComplete", "r"});
  EXPECT_EQ(forbidden.outcome, ClaimOutcome::kFailed);
  EXPECT_NE(forbidden.error.find("403"), std::string::npos) << forbidden.error;

  ASSERT_TRUE(server_.admin("/_test/fail?count=1&status=500&path=/apis/coordination.k8s.io"));
  EXPECT_EQ(store.claim({"id-1", "ResponseComplete", "r"}).outcome, ClaimOutcome::kFailed);

  // None of them created the claim: the next attempt wins it.
  EXPECT_EQ(store.claim({"id-1", "ResponseComplete", "r"}).outcome, ClaimOutcome::kWon);
}

TEST(ClaimStoreDown, NoApiServerIsAFailureNotAVerdict) {
  kube::ClientConfig config;
  {
    kube::testing::ApiTestServer gone;  // a port that was just in use and now refuses
    ASSERT_TRUE(gone.ok());
    config = gone.config();
  }
  config.request_timeout = 2s;
  kube::Client client(config);
  kube::FakeClock clock;
  ClaimStore store(client, store_options("replica-a"), clock);
  ClaimResult r = store.claim({"id-1", "ResponseComplete", "r"});
  EXPECT_EQ(r.outcome, ClaimOutcome::kFailed);
  EXPECT_FALSE(r.error.empty());
}

TEST_F(ClaimStoreTest, SweepDeletesOnlyClaimsPastTheRetention) {
  ASSERT_TRUE(server_.ok());
  ClaimStore store(client_, store_options("replica-a"), clock_);
  ClaimKey old_key{"id-old", "ResponseComplete", "r"}, fresh_key{"id-fresh", "ResponseComplete", "r"};
  ASSERT_EQ(store.claim(old_key).outcome, ClaimOutcome::kWon);
  clock_.advance(10min);
  ASSERT_EQ(store.claim(fresh_key).outcome, ClaimOutcome::kWon);
  // Not a claim: an agent status Lease in the same namespace stays whatever its age.
  json agent = {{"metadata", {{"name", "peregrine-agent-node-1"},
                              {"labels", {{"app.kubernetes.io/part-of", "peregrine"},
                                          {"peregrine.dev/component", "agent"}}}}},
                {"spec", {{"holderIdentity", "node-1"}, {"acquireTime", "2020-01-01T00:00:00.000000Z"}}}};
  ASSERT_TRUE(client_.create(leases(), kNs, agent).ok());

  auto report = store.sweep();
  ASSERT_TRUE(report.ok()) << report.error().describe();
  EXPECT_EQ(report->listed, 2u);
  EXPECT_EQ(report->deleted, 1u);  // exactly 10 min old: due
  EXPECT_EQ(report->failed, 0u);
  EXPECT_TRUE(client_.get(leases(), kNs, claim_object_name(old_key)).error().is_not_found());
  EXPECT_TRUE(client_.get(leases(), kNs, claim_object_name(fresh_key)).ok());
  EXPECT_TRUE(client_.get(leases(), kNs, "peregrine-agent-node-1").ok());

  // A key whose claim was swept can be claimed again (a resend that late is a new alert).
  clock_.advance(1s);
  EXPECT_EQ(store.claim(old_key).outcome, ClaimOutcome::kWon);

  clock_.advance(9min + 59s);
  report = store.sweep();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->deleted, 1u);  // fresh_key, now 10 min old; old_key, re-claimed 9:59 ago, stays
  EXPECT_TRUE(client_.get(leases(), kNs, claim_object_name(fresh_key)).error().is_not_found());
  EXPECT_TRUE(client_.get(leases(), kNs, claim_object_name(old_key)).ok());
}

TEST_F(ClaimStoreTest, SweepCountsFailedDeletesAndListErrors) {
  ASSERT_TRUE(server_.ok());
  ClaimStore store(client_, store_options("replica-a"), clock_);
  ASSERT_EQ(store.claim({"id-1", "ResponseComplete", "r"}).outcome, ClaimOutcome::kWon);
  clock_.advance(11min);
  // The list is a read the client retries on 5xx: fail it with a status it does not retry.
  ASSERT_TRUE(server_.admin("/_test/fail?count=1&status=403&path=/apis/coordination.k8s.io"));
  EXPECT_FALSE(store.sweep().ok());
  // Now the list succeeds and the delete is refused.
  auto list = client_.list(leases(), kNs);
  ASSERT_TRUE(list.ok());
  ASSERT_TRUE(server_.admin("/_test/fail?count=1&status=403&path=/apis/coordination.k8s.io/v1/namespaces/" +
                            std::string(kNs) + "/leases/"));
  auto report = store.sweep();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->deleted, 0u);
  EXPECT_EQ(report->failed, 1u);
  EXPECT_NE(report->error.find("403"), std::string::npos) << report->error;
  report = store.sweep();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->deleted, 1u);
}

}  // namespace
}  // namespace peregrine::audit
