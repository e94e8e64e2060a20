#include "operator/outputs/yaml_text.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace peregrine::op::outputs {
namespace {

TEST(YamlText, StringsThatLookLikeOtherTypesStayStrings) {
  nlohmann::json v = {{"a", "null"}, {"b", "true"}, {"c", "~"}, {"d", "0x1F"}, {"e", ""},
                      {"f", "line\nbreak: \"quoted\" #x"}, {"null", "key"}, {"on", "k2"}};
  YAML::Node n = YAML::Load(to_yaml_text(v));
  for (const auto& [k, val] : v.items()) {
    ASSERT_TRUE(n[k].IsScalar()) << k;
    EXPECT_EQ(n[k].Scalar(), val.get<std::string>()) << k;
    EXPECT_EQ(n[k].Tag(), "!") << k << ": a quoted scalar is a string, not resolved by type";
  }
}

TEST(YamlText, NumbersBooleansAndNestingKeepTheirShape) {
  nlohmann::json v = {{"port", 8080}, {"big", 9007199254740993LL}, {"on", true},
                      {"list", {"x", 2}}, {"empty", nlohmann::json::object()},
                      {"none", nlohmann::json::array()}, {"m", {{"k", {{"name", "a"}}}}}};
  std::string text = to_yaml_text(v);
  YAML::Node n = YAML::Load(text);
  EXPECT_EQ(n["port"].as<int>(), 8080);
  EXPECT_EQ(n["port"].Tag(), "?");
  EXPECT_EQ(n["big"].as<long long>(), 9007199254740993LL);
  EXPECT_EQ(n["on"].Scalar(), "true");
  ASSERT_TRUE(n["list"].IsSequence());
  EXPECT_EQ(n["list"][0].Scalar(), "x");
  EXPECT_TRUE(n["empty"].IsMap());
  EXPECT_EQ(n["empty"].size(), 0u);
  EXPECT_TRUE(n["none"].IsSequence());
  EXPECT_EQ(n["m"]["k"]["name"].Scalar(), "a");
}

TEST(YamlText, FirstKeysLeadInTheirOrder) {
  nlohmann::json v = {{"a", 1}, {"type", "x"}, {"name", "n"}};
  EXPECT_EQ(to_yaml_text(v, {"name", "type"}), "name: \"n\"\ntype: \"x\"\na: 1\n");
}

}  // namespace
}  // namespace peregrine::op::outputs
