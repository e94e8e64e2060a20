#include "outputs/config/config_file.h"

#include <gtest/gtest.h>

namespace peregrine::outputs {
namespace {

TEST(OutputsConfigFile, ErrorsPointAtTheSinkEntry) {
  YAML::Node root = YAML::Load(
      "outputs:\n"
      "  - {name: a, type: stdout}\n"
      "  - name: b\n"
      "    type: nosuchsink\n");
  auto d = dispatcher_from_config_file(root["outputs"], "cfg.yaml");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message.rfind("cfg.yaml:3:5: outputs[1] (b)", 0), 0u) << d.error().message;
}

TEST(OutputsConfigFile, ListLevelErrorsPointAtTheList) {
  YAML::Node root = YAML::Load("outputs:\n  name: a\n");
  EXPECT_EQ(locate_outputs_error("cfg.yaml", root["outputs"], "outputs: must be a list"),
            "cfg.yaml:2:3: outputs: must be a list");
}

TEST(OutputsConfigFile, BuildsEverySink) {
  YAML::Node root = YAML::Load("outputs:\n  - {name: a, type: stdout}\n  - {name: b, type: stdout}\n");
  auto d = dispatcher_from_config_file(root["outputs"], "cfg.yaml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)->size(), 2u);
  (*d)->shutdown(std::chrono::seconds(1));
}

}  // namespace
}  // namespace peregrine::outputs
