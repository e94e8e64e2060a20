#include "agent/kube/agent_lease.h"

#include <gtest/gtest.h>

#include "kube/lease_record.h"

namespace peregrine::agent::cluster {
namespace {

TEST(AgentLease, PatchCarriesTheContract) {
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000));
  nlohmann::json p = AgentLease::patch_for("node-1", {"0123456789abcdef", ""}, now);
  EXPECT_EQ(AgentLease::lease_name("node-1"), "peregrine-agent-node-1");
  EXPECT_EQ(p["spec"]["holderIdentity"], "node-1");
  EXPECT_EQ(p["spec"]["leaseDurationSeconds"], 30);
  EXPECT_EQ(p["spec"]["renewTime"], kube::format_micro_time(now));
  EXPECT_EQ(p["metadata"]["labels"]["app.kubernetes.io/part-of"], "peregrine");
  EXPECT_EQ(p["metadata"]["labels"]["peregrine.dev/component"], "agent");
  EXPECT_EQ(p["metadata"]["labels"]["peregrine.dev/node"], "node-1");
  EXPECT_EQ(p["metadata"]["annotations"]["peregrine.dev/bundle"], "0123456789abcdef");
  // null: a merge patch removes the annotation after a good load.
  ASSERT_TRUE(p["metadata"]["annotations"].contains("peregrine.dev/bundle-error"));
  EXPECT_TRUE(p["metadata"]["annotations"]["peregrine.dev/bundle-error"].is_null());

  p = AgentLease::patch_for("node-1", {"", "bundle x: sha256 mismatch"}, now);
  EXPECT_EQ(p["metadata"]["annotations"]["peregrine.dev/bundle"], "");
  EXPECT_EQ(p["metadata"]["annotations"]["peregrine.dev/bundle-error"], "bundle x: sha256 mismatch");
}

}  // namespace
}  // namespace peregrine::agent::cluster
