#include "agent/runtime/outputs_setup.h"

#include <gtest/gtest.h>

namespace peregrine::agent {
namespace {

TEST(OutputsSetup, ErrorsPointAtTheSinkEntry) {
  YAML::Node root = YAML::Load(
      "outputs:\n"
      "  - {name: a, type: stdout}\n"
      "  - name: b\n"
      "    type: nosuchsink\n");
  auto d = build_dispatcher(root["outputs"], "cfg.yaml");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message.rfind("cfg.yaml:3:5: outputs[1] (b)", 0), 0u) << d.error().message;
}

TEST(OutputsSetup, ListLevelErrorsPointAtTheList) {
  YAML::Node root = YAML::Load("outputs:\n  name: a\n");
  EXPECT_EQ(locate_outputs_error("cfg.yaml", root["outputs"], "outputs: must be a list"),
            "cfg.yaml:2:3: outputs: must be a list");
}

TEST(OutputsSetup, BuildsEverySink) {
  YAML::Node root = YAML::Load("outputs:\n  - {name: a, type: stdout}\n  - {name: b, type: stdout}\n");
  auto d = build_dispatcher(root["outputs"], "cfg.yaml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)->size(), 2u);
  (*d)->shutdown(std::chrono::seconds(1));
}

}  // namespace
}  // namespace peregrine::agent
