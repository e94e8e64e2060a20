#include "test/apiserver/webhook_config.h"

#include <gtest/gtest.h>

namespace peregrine::apiserver {
namespace {

using nlohmann::json;

json config(json hook_extra = json::object()) {
  json hook = {{"name", "v.peregrine.dev"},
               {"clientConfig", {{"url", "https://127.0.0.1:9443/validate"}}},
               {"rules", {{{"operations", {"CREATE"}}, {"apiGroups", {"*"}}, {"apiVersions", {"*"}},
                           {"resources", {"falcorules"}}}}},
               {"sideEffects", "None"},
               {"admissionReviewVersions", {"v1"}}};
  hook.merge_patch(hook_extra);
  return {{"webhooks", {hook}}};
}

TEST(WebhookConfig, FillsDefaults) {
  json c = config();
  ASSERT_EQ(default_and_check_webhook_configuration(c), "");
  const json& h = c["webhooks"][0];
  EXPECT_EQ(h["failurePolicy"], "Fail");
  EXPECT_EQ(h["matchPolicy"], "Equivalent");
  EXPECT_EQ(h["timeoutSeconds"], 10);
  EXPECT_EQ(h["namespaceSelector"], json::object());
  EXPECT_EQ(h["objectSelector"], json::object());
  EXPECT_EQ(h["rules"][0]["scope"], "*");
}

TEST(WebhookConfig, RefusesWhatTheDispatcherCouldNotUse) {
  auto error = [](json extra) {
    json c = config(extra);
    return default_and_check_webhook_configuration(c);
  };
  EXPECT_EQ(error({{"sideEffects", nullptr}}),
            "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun");
  EXPECT_EQ(error({{"sideEffects", "Some"}}),
            "webhooks[0].sideEffects: Unsupported value: \"Some\": supported values: \"None\", \"NoneOnDryRun\"");
  EXPECT_NE(error({{"name", "short"}}).find("at least three segments"), std::string::npos);
  EXPECT_NE(error({{"admissionReviewVersions", nullptr}}).find("admissionReviewVersions: Required value"),
            std::string::npos);
  EXPECT_NE(error({{"clientConfig", {{"url", "http://x.example.com/"}}}}).find("'https' is the only allowed URL scheme"),
            std::string::npos);
  EXPECT_NE(error({{"clientConfig", {{"url", nullptr}}}}).find("exactly one of url or service"), std::string::npos);
  EXPECT_NE(error({{"timeoutSeconds", 31}}).find("between 1 and 30 seconds"), std::string::npos);
  EXPECT_NE(error({{"failurePolicy", "Sometimes"}}).find("failurePolicy: Unsupported value"), std::string::npos);
  json bad_op = config();
  bad_op["webhooks"][0]["rules"][0]["operations"] = {"PATCH"};
  EXPECT_NE(default_and_check_webhook_configuration(bad_op).find("operations[0]: Unsupported value"), std::string::npos);

  json twice = config();
  twice["webhooks"].push_back(twice["webhooks"][0]);
  EXPECT_EQ(default_and_check_webhook_configuration(twice), "webhooks[1].name: Duplicate value: \"v.peregrine.dev\"");
}

}  // namespace
}  // namespace peregrine::apiserver
