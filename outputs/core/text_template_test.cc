#include "outputs/core/text_template.h"

#include <gtest/gtest.h>

#include "outputs/core/renderer.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {

TEST(TextTemplate, RendersTopFieldsTagsAndOutputFields) {
  auto t = TextTemplate::compile("[${priority}] ${rule} on ${hostname}: user=${field.user.name} "
                                 "fd=${field.fd.name} missing=${field.nope} tags=${tags} $$5");
  ASSERT_TRUE(t.ok()) << t.error().message;
  auto json = testing::make_alert().to_json();
  EXPECT_EQ(t->render(json),
            "[Warning] Terminal shell in container on node-1: user=root fd=<NA> missing=<NA> "
            "tags=container,shell $5");
}

TEST(TextTemplate, UnknownPlaceholderIsAnErrorNamingIt) {
  auto t = TextTemplate::compile("${rulez}");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("${rulez}"), std::string::npos);
  EXPECT_FALSE(TextTemplate::compile("x ${rule").ok());
}

TEST(Renderer, AddsCustomFieldsWithoutOverridingRuleFields) {
  Renderer r({{"cluster", "prod"}, {"user.name", "override"}}, std::nullopt);
  auto rec = r.render(testing::make_alert());
  EXPECT_EQ(rec.json["output_fields"]["cluster"], "prod");
  EXPECT_EQ(rec.json["output_fields"]["user.name"], "root");
  EXPECT_EQ(rec.json["rule"], "Terminal shell in container");
  // Without a template the text is Falco's classic line.
  EXPECT_NE(rec.text.find(": Warning A shell was spawned"), std::string::npos);
}

TEST(Renderer, TemplateSeesCustomFields) {
  auto t = TextTemplate::compile("${field.cluster}/${rule}");
  ASSERT_TRUE(t.ok());
  Renderer r({{"cluster", "prod"}}, *t);
  EXPECT_EQ(r.render(testing::make_alert()).text, "prod/Terminal shell in container");
}

}  // namespace
}  // namespace peregrine::outputs
