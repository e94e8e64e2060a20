#include <gtest/gtest.h>

#include "engine/sources/syscall/syscall_test_fixture.h"

namespace peregrine::engine::testing {
namespace {

using EvtFields = SyscallFixture;

TEST_F(EvtFields, TypeDirectionAndGenericFields) {
  EXPECT_EQ(text("evt.type"), "openat");
  EXPECT_EQ(text("evt.dir"), "<");
  EXPECT_EQ(text("evt.num"), "42");
  EXPECT_EQ(text("evt.hostname"), "node-1");
  EXPECT_EQ(text("evt.source"), "syscall");
  EXPECT_EQ(text("evt.rawtime"), std::to_string(kEventTime));
  event.type = kEventProcexit;
  EXPECT_EQ(text("evt.type"), "procexit");
  event.type = 500;  // an unused code
  EXPECT_EQ(text("evt.type"), "<missing>");
}

TEST_F(EvtFields, ResultAsNameAndNumber) {
  EXPECT_EQ(text("evt.res"), "SUCCESS");
  EXPECT_EQ(text("evt.rawres"), "3");
  EXPECT_EQ(text("evt.failed"), "false");
  event.res = -2;
  EXPECT_EQ(text("evt.res"), "ENOENT");
  EXPECT_EQ(text("evt.rawres"), "-2");
  EXPECT_EQ(text("evt.failed"), "true");
  event.res = -13;
  EXPECT_EQ(text("evt.res"), "EACCES");
  event.res = -512;  // kernel-internal, no name
  EXPECT_EQ(text("evt.res"), "-512");
  event.res = 0;
  EXPECT_EQ(text("evt.res"), "SUCCESS");
  event.res.reset();
  EXPECT_EQ(text("evt.res"), "<missing>");
  EXPECT_EQ(text("evt.rawres"), "<missing>");
  EXPECT_EQ(text("evt.failed"), "false");
}

TEST_F(EvtFields, ArgumentsByNameAndPosition) {
  EXPECT_EQ(text("evt.arg.flags"), "O_RDONLY|O_CLOEXEC");
  EXPECT_EQ(text("evt.arg", "flags"), "O_RDONLY|O_CLOEXEC");
  EXPECT_EQ(text("evt.arg", "2"), "/etc/shadow");
  EXPECT_EQ(text("evt.arg.name"), "/etc/shadow");
  EXPECT_EQ(text("evt.arg.fd"), "3(<f>/etc/shadow)");
  EXPECT_EQ(text("evt.arg.nosuch"), "<missing>");
  EXPECT_EQ(text("evt.arg", "9"), "<missing>");
  EXPECT_EQ(text("evt.rawarg.flags"), std::to_string(02000000));
  EXPECT_EQ(text("evt.rawarg.dirfd"), "-100");
  EXPECT_EQ(text("evt.rawarg.name"), "<missing>");  // a string has no raw number
  EXPECT_EQ(text("evt.args"),
            "fd=3(<f>/etc/shadow) dirfd=-100(AT_FDCWD) name=/etc/shadow "
            "flags=O_RDONLY|O_CLOEXEC mode=0");
  EXPECT_EQ(text("evt.info"), text("evt.args"));
  event.args = {};
  EXPECT_EQ(text("evt.args"), "");
}

class OpenIntent : public SyscallFixture {
 protected:
  void open_with(int64_t flags, int64_t mode) {
    args[3].raw = flags;
    args[4].raw = mode;
  }
};

TEST_F(OpenIntent, ReadWriteFromTheAccessMode) {
  open_with(0 /*O_RDONLY*/, 0);
  EXPECT_EQ(text("evt.is_open_read"), "true");
  EXPECT_EQ(text("evt.is_open_write"), "false");
  open_with(01 /*O_WRONLY*/ | 01000 /*O_TRUNC*/, 0);
  EXPECT_EQ(text("evt.is_open_read"), "false");
  EXPECT_EQ(text("evt.is_open_write"), "true");
  open_with(02 /*O_RDWR*/, 0);
  EXPECT_EQ(text("evt.is_open_read"), "true");
  EXPECT_EQ(text("evt.is_open_write"), "true");
  EXPECT_EQ(text("evt.is_open_exec"), "false");
}

TEST_F(OpenIntent, ExecMeansCreatingAnExecutable) {
  open_with(01 | 0100 /*O_CREAT*/, 0755);
  EXPECT_EQ(text("evt.is_open_exec"), "true");
  open_with(01 | 0100, 0644);
  EXPECT_EQ(text("evt.is_open_exec"), "false");
  open_with(01, 0755);  // no O_CREAT: the mode is ignored by the kernel
  EXPECT_EQ(text("evt.is_open_exec"), "false");
  open_with(02 | 020200000 /*O_TMPFILE*/, 0700);
  EXPECT_EQ(text("evt.is_open_exec"), "true");
}

TEST_F(OpenIntent, CreatAndOtherCalls) {
  event.type = kSysCreat;
  args[4].raw = 0755;
  EXPECT_EQ(text("evt.is_open_write"), "true");
  EXPECT_EQ(text("evt.is_open_read"), "false");
  EXPECT_EQ(text("evt.is_open_exec"), "true");
  event.type = kSysExecve;  // not an open: all false, not missing
  EXPECT_EQ(text("evt.is_open_read"), "false");
  EXPECT_EQ(text("evt.is_open_exec"), "false");
  event.type = kSysOpenat;
  args[3].has_raw = false;  // the agent could not decode the flags
  EXPECT_EQ(text("evt.is_open_read"), "false");
}

TEST_F(EvtFields, Buffer) {
  EXPECT_EQ(text("evt.buffer"), "<missing>");
  const uint8_t bytes[] = {'a', 0, 'b'};
  event.buffer = std::span<const uint8_t>(bytes);
  ASSERT_TRUE(get("evt.buffer"));
  EXPECT_EQ(out.str(), std::string_view("a\0b", 3));
  EXPECT_EQ(text("evt.buflen"), "3");
}

TEST_F(EvtFields, PluginInfoIsAlwaysMissing) {
  EXPECT_EQ(text("evt.plugininfo"), "<missing>");
}

TEST_F(EvtFields, SourceDescribesItself) {
  EXPECT_EQ(source.name(), "syscall");
  ASSERT_NE(source.event_types(), nullptr);
  EXPECT_EQ(source.event_types()->code("openat"), kSysOpenat);
  EXPECT_EQ(&source.fields(), &syscall_field_registry());
}

}  // namespace
}  // namespace peregrine::engine::testing
