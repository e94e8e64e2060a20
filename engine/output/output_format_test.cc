// Rule outputs: field references in every spelling Falco accepts, literal percent signs,
// `<NA>` for missing values, how values print, the output_fields keys, and the errors.

#include "engine/output/output_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"

namespace peregrine::engine {
namespace {

using ::testing::ElementsAre;
using testing::SyscallScene;

class OutputFormatTest : public ::testing::Test {
 protected:
  // Compiles `text` and renders it for the scene's event.
  std::string render(const std::string& text) {
    auto format = compile(text);
    if (!format) return "<error: " + error.message + " at " + std::to_string(error.pos) + ">";
    EvalContext ctx(source, table);
    ctx.begin(s.event);
    return format->render(ctx);
  }
  std::optional<OutputFormat> compile(const std::string& text) {
    ConditionCompiler compiler(source, table, defs);
    return OutputFormat::compile(text, compiler, error);
  }
  std::vector<std::string> keys(const std::string& text) {
    std::vector<std::string> out;
    if (auto f = compile(text))
      for (const auto& k : f->fields()) out.push_back(k.name);
    return out;
  }

  SyscallSource source{"node-1"};
  FieldTable table;
  Definitions defs;
  OutputError error;
  SyscallScene s;
};

TEST_F(OutputFormatTest, FieldReferences) {
  EXPECT_EQ(render("%proc.name read %fd.name"), "cat read /etc/shadow");
  EXPECT_EQ(render("gparent=%proc.aname[2] parent=%proc.aname[1]"), "gparent=containerd-shim parent=bash");
  EXPECT_EQ(render("%(proc.name)x"), "catx");
  EXPECT_EQ(render("flags=%evt.arg.flags fd=%evt.arg[0] name=%evt.arg[name]"),
            "flags=O_RDONLY|O_CLOEXEC fd=3(<f>/etc/shadow) name=/etc/shadow");
  EXPECT_EQ(render("home=%proc.env[HOME]"), "home=/root");
  EXPECT_EQ(render("%tolower(proc.name) %toupper(proc.name) %basename(proc.exepath)"), "cat CAT cat");
  EXPECT_EQ(render("(%proc.name)"), "(cat)");
  EXPECT_EQ(render("%proc.name,%proc.pid;%fd.num:"), "cat,1001;3:");
}

TEST_F(OutputFormatTest, PercentSigns) {
  EXPECT_EQ(render("100%% sure"), "100% sure");
  EXPECT_EQ(render("%%proc.name"), "%proc.name");
  EXPECT_EQ(render("50% off"), "50% off");
  EXPECT_EQ(render("ends with %"), "ends with %");
  EXPECT_EQ(render("%"), "%");
  EXPECT_EQ(render("%%%proc.name%%"), "%cat%");
}

TEST_F(OutputFormatTest, SentenceEndingDotIsText) {
  EXPECT_EQ(render("Opened %fd.name."), "Opened /etc/shadow.");
  EXPECT_EQ(render("%proc.name..."), "cat...");
}

TEST_F(OutputFormatTest, MissingValues) {
  s.event.fd = nullptr;
  EXPECT_EQ(render("file=%fd.name num=%fd.num"), "file=<NA> num=<NA>");
  EXPECT_EQ(render("%proc.aname[9]"), "<NA>");
  EXPECT_EQ(render("%proc.env[NOPE]"), "<NA>");
}

TEST_F(OutputFormatTest, ValuesPrintAsFalcoPrintsThem) {
  EXPECT_EQ(render("%evt.is_open_read %evt.is_open_write"), "true false");
  EXPECT_EQ(render("%user.uid %evt.rawarg.dirfd %proc.tty"), "0 -100 34816");
  EXPECT_EQ(render("%proc.aname"), "(bash,containerd-shim,systemd)");
  EXPECT_EQ(render("%evt.time"), "22:13:20.123456789");
  EXPECT_EQ(render("%evt.type %evt.num"), "openat 42");
  FdView sock;
  sock.type = FdType::kIpv6;
  sock.role = SocketRole::kClient;
  sock.cip = *IpAddr::parse("fd00::5");
  sock.sip = *IpAddr::parse("2001:db8::1");
  sock.sport = 443;
  s.event.fd = &sock;
  EXPECT_EQ(render("%fd.sip:%fd.sport"), "2001:db8::1:443");
}

TEST_F(OutputFormatTest, OutputFieldKeys) {
  EXPECT_THAT(keys("%proc.name %fd.name %proc.name %(fd.name) %proc.aname[2] %evt.arg.flags %tolower(proc.name)"),
              ElementsAre("proc.name", "fd.name", "proc.aname[2]", "evt.arg.flags", "tolower(proc.name)"));
  EXPECT_THAT(keys("no fields at all"), ::testing::IsEmpty());
}

TEST_F(OutputFormatTest, Errors) {
  EXPECT_EQ(render("x %proc.nme y"), "<error: unknown field 'proc.nme', did you mean 'proc.name'? at 3>");
  EXPECT_EQ(render("x %(proc.name y"), "<error: '%(' is not closed at 2>");
  EXPECT_EQ(render("x %proc.aname[2 y"), "<error: '[' is not closed at 13>");
  EXPECT_EQ(render("x %tolower(proc.name y"), "<error: '(' is not closed at 10>");
  EXPECT_EQ(render("x %(not a field) y"), "<error: invalid field reference '%(not a field)' at 2>");
  EXPECT_EQ(render("%proc.name[1]"), "<error: field 'proc.name' does not take an argument at 1>");
  EXPECT_EQ(render("%proc.aname[x]"), "<error: field 'proc.aname' needs a numeric index, not 'x' at 1>");
}

TEST_F(OutputFormatTest, FieldsSharedWithTheCondition) {
  // Condition and output read the same slot: the value is extracted once per event.
  ConditionCompiler compiler(source, table, defs);
  auto cond = parse_condition("proc.name = cat");
  ASSERT_TRUE(cond.ok());
  auto program = compiler.compile(cond.node());
  ASSERT_TRUE(program);
  auto format = OutputFormat::compile("%proc.name", compiler, error);
  ASSERT_TRUE(format);
  EXPECT_EQ(table.slots().size(), 1u);
  EvalContext ctx(source, table);
  ctx.begin(s.event);
  EXPECT_TRUE(program->program->eval(ctx));
  EXPECT_EQ(format->render(ctx), "cat");
}

}  // namespace
}  // namespace peregrine::engine
