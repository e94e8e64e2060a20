#pragma once
// What the claims tests share: an API test server with the claims' namespace, a client of it,
// a fake clock, and ClaimStore options for a named replica.

#include <gtest/gtest.h>

#include <string>

#include "audit-webhook/claims/claim_store.h"
#include "kube/testing/api_test_server.h"

namespace peregrine::audit::testing {

inline constexpr const char* kClaimsNs = "peregrine-system";

inline ClaimStoreOptions store_options(const std::string& holder) {
  ClaimStoreOptions o;
  o.namespace_name = kClaimsNs;
  o.holder = holder;
  return o;
}

class ClaimsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok());
    nlohmann::json ns = {{"metadata", {{"name", kClaimsNs}}}};
    ASSERT_TRUE(client_.create({"", "v1", "namespaces", false}, "", ns).ok());
  }

  kube::testing::ApiTestServer server_;
  kube::Client client_{server_.config()};
  kube::FakeClock clock_;
};

}  // namespace peregrine::audit::testing
