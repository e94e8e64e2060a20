#include "cmd/args.h"

#include <gtest/gtest.h>

namespace peregrine::cli {

const std::vector<OptionSpec> kSpecs = {{"rules", "r", true, true}, {"output", "o", true, false},
                                        {"help", "h", false, false}};

TEST(Args, LongShortInlineAndRepeated) {
  auto a = Args::parse({"--rules", "a.yaml", "-r", "b.yaml", "--output=json", "file"}, kSpecs);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->all("rules"), (std::vector<std::string>{"a.yaml", "b.yaml"}));
  EXPECT_EQ(a->get("output"), "json");
  EXPECT_EQ(a->positional(), std::vector<std::string>{"file"});
}

TEST(Args, Errors) {
  EXPECT_EQ(Args::parse({"--nope"}, kSpecs).error().message, "unknown option '--nope' (see --help)");
  EXPECT_EQ(Args::parse({"-o"}, kSpecs).error().message, "option '-o' needs a value");
  EXPECT_EQ(Args::parse({"-o", "a", "-o", "b"}, kSpecs).error().message, "option '--output' given more than once");
  EXPECT_EQ(Args::parse({"--help=1"}, kSpecs).error().message, "option '--help' takes no value");
}

TEST(Args, DoubleDashEndsOptions) {
  auto a = Args::parse({"--", "--rules"}, kSpecs);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->positional(), std::vector<std::string>{"--rules"});
}

}  // namespace peregrine::cli

namespace peregrine::cli {

TEST(ParseCommandLine, HelpStrayArgumentsAndSuccess) {
  Args out;
  EXPECT_EQ(parse_command_line({"--help"}, {}, "usage\n", false, out), 0);
  EXPECT_EQ(parse_command_line({"stray"}, {}, "usage\n", false, out), 1);
  EXPECT_EQ(parse_command_line({"--nope"}, {}, "usage\n", true, out), 1);
  EXPECT_EQ(parse_command_line({"-o", "json", "file"}, {{"output", "o", true, false}}, "usage\n", true, out),
            std::nullopt);
  EXPECT_EQ(out.get("output"), "json");
  EXPECT_EQ(out.positional(), std::vector<std::string>{"file"});
}

}  // namespace peregrine::cli
