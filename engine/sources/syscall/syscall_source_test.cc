// SyscallSource::extractor(): the function the engine calls per field slot instead of
// extract() must give extract()'s answer for every field, on events that reach each field's
// missing and present cases.

#include <gtest/gtest.h>

#include <string>

#include "engine/sources/generic_fields.h"
#include "engine/sources/syscall/syscall_test_fixture.h"

namespace peregrine::engine {
namespace {

class SyscallExtractorTest : public testing::SyscallFixture {
 protected:
  // Every field that resolves with `arg` (none, a position or a name) agrees with extract().
  void expect_all_agree(const std::string& what) {
    size_t compared = 0;
    for (const FieldInfo& info : source.fields().fields()) {
      for (std::optional<std::string_view> arg : {std::optional<std::string_view>(), std::optional<std::string_view>("1"),
                                                  std::optional<std::string_view>("flags")}) {
        auto ref = source.fields().resolve(info.name, arg);
        if (!ref.ok()) continue;
        FieldExtractor fn = source.extractor(*ref);
        if (info.id < kGenericFieldCount) {
          EXPECT_EQ(fn, nullptr) << info.name;  // evt.hostname and the like read the source
          continue;
        }
        ASSERT_NE(fn, nullptr) << info.name;
        Extraction via_source, direct;
        bool a = source.extract(event, *ref, via_source);
        bool b = fn(event, *ref, direct);
        ASSERT_EQ(a, b) << what << ": " << info.name;
        if (!a) continue;
        EXPECT_EQ(via_source.kind(), direct.kind()) << what << ": " << info.name;
        EXPECT_EQ(via_source.to_string(), direct.to_string()) << what << ": " << info.name;
        ++compared;
      }
    }
    EXPECT_GT(compared, 20u) << what;  // the loop did reach fields with values
  }
};

TEST_F(SyscallExtractorTest, DirectExtractorsAgreeWithExtract) {
  expect_all_agree("openat of a file");
  fd.type = FdType::kDirectory;
  fd.name = "/etc/";
  expect_all_agree("a directory");
  fd.type = FdType::kIpv4;
  fd.name = "10.0.0.1:4000->10.0.0.2:443";
  expect_all_agree("a socket");
  args[3].raw = 01 | 0100;  // O_WRONLY|O_CREAT
  args[4].raw = 0755;
  fd.type = FdType::kFile;
  expect_all_agree("a create with an exec bit");
  event.fd = nullptr;
  event.container = nullptr;
  expect_all_agree("no fd, no container");
  event.thread = nullptr;
  event.type = kSysExecve;
  expect_all_agree("no thread");
  container.id = "";
  event.container = &container;
  expect_all_agree("empty container id");
}

// The fields rules read most have functions of their own; they must be the right ones.
TEST_F(SyscallExtractorTest, HotFieldsResolveToTheirOwnField) {
  auto value = [&](std::string_view name) {
    auto ref = source.fields().resolve(name, std::nullopt);
    EXPECT_TRUE(ref.ok()) << name;
    Extraction out;
    if (!ref.ok() || !source.extractor(*ref)(event, *ref, out)) return std::string("<missing>");
    return out.to_string();
  };
  EXPECT_EQ(value("fd.num"), "3");
  EXPECT_EQ(value("fd.typechar"), "f");
  EXPECT_EQ(value("fd.name"), "/etc/shadow");
  EXPECT_EQ(value("fd.nameraw"), "../etc//shadow");
  EXPECT_EQ(value("fd.directory"), "/etc");
  EXPECT_EQ(value("fd.filename"), "shadow");
  EXPECT_EQ(value("evt.is_open_read"), "true");
  EXPECT_EQ(value("evt.is_open_write"), "false");
  EXPECT_EQ(value("evt.is_open_exec"), "false");
  EXPECT_EQ(value("proc.name"), "cat");
  EXPECT_EQ(value("container.id"), "0123456789ab");
}

}  // namespace
}  // namespace peregrine::engine
