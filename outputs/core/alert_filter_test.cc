#include "outputs/core/alert_filter.h"

#include <gtest/gtest.h>

#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {
using engine::Priority;
using testing::make_alert;

TEST(AlertFilter, DefaultAdmitsEverything) {
  AlertFilter f;
  EXPECT_TRUE(f.admits(make_alert("r", Priority::kDebug, {})));
}

TEST(AlertFilter, MinimumPriorityIsInclusive) {
  AlertFilter f;
  f.minimum_priority = Priority::kWarning;
  EXPECT_TRUE(f.admits(make_alert("r", Priority::kWarning)));
  EXPECT_TRUE(f.admits(make_alert("r", Priority::kCritical)));
  EXPECT_FALSE(f.admits(make_alert("r", Priority::kNotice)));
}

TEST(AlertFilter, RuleListsExcludeWinsOverInclude) {
  AlertFilter f;
  f.include_rules = {"a", "b"};
  f.exclude_rules = {"b"};
  EXPECT_TRUE(f.admits(make_alert("a")));
  EXPECT_FALSE(f.admits(make_alert("b")));
  EXPECT_FALSE(f.admits(make_alert("c")));
}

TEST(AlertFilter, TagListsMatchAnyTag) {
  AlertFilter f;
  f.include_tags = {"mitre_execution"};
  f.exclude_tags = {"noisy"};
  EXPECT_TRUE(f.admits(make_alert("r", Priority::kWarning, {"container", "mitre_execution"})));
  EXPECT_FALSE(f.admits(make_alert("r", Priority::kWarning, {"container"})));
  EXPECT_FALSE(f.admits(make_alert("r", Priority::kWarning, {"mitre_execution", "noisy"})));
}

}  // namespace
}  // namespace peregrine::outputs
