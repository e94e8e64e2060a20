// Hostile input never crashes the parser, the compiler or the output formatter: conditions and
// outputs stitched together from condition tokens (seeded, so every run is the same) either
// compile or come back with an error whose position lies inside the text. Run under
// sanitizers this also checks memory safety on malformed input.

#include <gtest/gtest.h>

#include <random>

#include "engine/compiler/test_support.h"
#include "engine/output/output_format.h"

namespace peregrine::engine {
namespace {

const char* const kTokens[] = {
    "proc.name", "fd.num", "fd.sip", "evt.type", "proc.aname", "proc.aname[2]", "evt.arg.flags",
    "ka.verb", "=", "==", "!=", "<", ">=", "in", "intersects", "pmatch", "contains", "glob",
    "regex", "exists", "bcontains", "and", "or", "not", "(", ")", "()", ",", "'", "\"", "\\",
    "\\x4", "val(", "tolower(", "b64(", "basename(", "[", "]", "openat", "cat", "3", "-1",
    "10.0.0.0/8", "/etc/*", "[a-", "m", "l", "%", "%%", "%(", " ", " ", " ", "\n", "\t", "x.y.z"};

std::string random_text(std::mt19937& rng, size_t max_tokens) {
  std::uniform_int_distribution<size_t> count(0, max_tokens);
  std::uniform_int_distribution<size_t> pick(0, std::size(kTokens) - 1);
  std::string out;
  for (size_t i = count(rng); i > 0; --i) out += kTokens[pick(rng)];
  return out;
}

TEST(ParserRobustness, RandomConditionsParseCompileAndEvaluateSafely) {
  SyscallSource source{"node-1"};
  testing::SyscallScene scene;
  Definitions defs;
  defs.lists["l"] = {parse_list_item("cat"), parse_list_item("'a b'")};
  defs.macros["m"] = MacroDef{"m", parse_condition("proc.name = cat").node()};
  std::mt19937 rng(20240305);
  int parsed = 0, compiled = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = random_text(rng, 12);
    auto r = parse_condition(text);
    if (!r.ok()) {
      EXPECT_LE(r.error().pos, text.size()) << text;
      EXPECT_FALSE(r.error().message.empty()) << text;
      continue;
    }
    ++parsed;
    FieldTable table;
    ConditionCompiler compiler(source, table, defs);
    auto c = compiler.compile(r.node());
    if (!c) {
      EXPECT_LE(compiler.error().pos, text.size()) << text;
      continue;
    }
    ++compiled;
    EvalContext ctx(source, table);
    ctx.begin(scene.event);
    c->program->eval(ctx);
  }
  // The token soup is not all noise: some of it is valid.
  EXPECT_GT(parsed, 100);
  EXPECT_GT(compiled, 10);
}

TEST(ParserRobustness, RandomOutputsCompileOrFailCleanly) {
  SyscallSource source{"node-1"};
  testing::SyscallScene scene;
  Definitions defs;
  std::mt19937 rng(7);
  for (int i = 0; i < 5000; ++i) {
    std::string text = random_text(rng, 8);
    FieldTable table;
    ConditionCompiler compiler(source, table, defs);
    OutputError error;
    auto format = OutputFormat::compile(text, compiler, error);
    if (!format) {
      EXPECT_LE(error.pos, text.size()) << text;
      continue;
    }
    EvalContext ctx(source, table);
    ctx.begin(scene.event);
    format->render(ctx);
  }
}

TEST(ParserRobustness, RandomListItems) {
  std::mt19937 rng(99);
  for (int i = 0; i < 5000; ++i) {
    std::string item = random_text(rng, 4);
    ast::Literal lit = parse_list_item(item);
    if (!lit.quoted) {
      EXPECT_EQ(lit.text, item);
    }
  }
}

}  // namespace
}  // namespace peregrine::engine
