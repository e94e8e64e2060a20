#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstring>
#include <vector>

#include "driver/reader/event_view.h"
#include "driver/reader/record_builder.h"

namespace peregrine::driver {
namespace {

// An openat exit record written byte by byte as the probe lays it out, independent of
// RecordBuilder: header, four u16 lengths, then dirfd(8) name("/tmp/x\0") flags(4) mode(4).
std::vector<uint8_t> handmade_openat() {
  std::vector<uint8_t> b;
  auto put = [&b](uint64_t v, int n) {
    for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  const uint32_t len = 48 + 2 * 4 + 8 + 7 + 4 + 4;
  put(0x4E475250, 4);   // magic "PRGN"
  put(1, 2);            // version
  put(257, 2);          // openat
  put(len, 4);
  put(4, 2);            // nparams
  put(0, 2);            // flags
  put(123456789, 8);    // ts
  put(1001, 4);         // tid
  put(1000, 4);         // pid
  put(5, 8);            // res: fd 5
  put(3, 4);            // cpu
  put(0, 4);            // prior_close
  put(8, 2), put(7, 2), put(4, 2), put(4, 2);
  put(static_cast<uint64_t>(int64_t{-100}), 8);  // AT_FDCWD
  for (char c : std::string_view("/tmp/x", 7)) b.push_back(static_cast<uint8_t>(c));
  put(O_WRONLY | O_CREAT, 4);
  put(0644, 4);
  return b;
}

TEST(DecodeEvent, ReadsHandmadeOpenat) {
  const auto buf = handmade_openat();
  auto ev = decode_event(buf);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(ev->type(), 257);
  EXPECT_EQ(ev->info().name, "openat");
  EXPECT_EQ(ev->info().res_name, "fd");
  EXPECT_EQ(ev->ts_ns(), 123456789u);
  EXPECT_EQ(ev->tid(), 1001u);
  EXPECT_EQ(ev->pid(), 1000u);
  EXPECT_EQ(ev->res(), 5);
  EXPECT_EQ(ev->cpu(), 3u);
  EXPECT_FALSE(ev->truncated());
  ASSERT_EQ(ev->nparams(), 4);
  EXPECT_EQ(ev->as_int(0), -100);
  EXPECT_EQ(ev->as_string(1), "/tmp/x");
  EXPECT_EQ(ev->as_uint(2), static_cast<uint64_t>(O_WRONLY | O_CREAT));
  EXPECT_EQ(ev->as_uint(3), 0644u);
  EXPECT_EQ(ev->index_of("flags"), 2);
  EXPECT_EQ(ev->index_of("nope"), -1);
  EXPECT_EQ(ev->param(1).size(), 7u);
  EXPECT_TRUE(ev->param(4).empty());
  // Typed reads of another encoding are refused rather than misread.
  EXPECT_FALSE(ev->as_string(0).has_value());
  EXPECT_FALSE(ev->as_int(1).has_value());
}

TEST(DecodeEvent, ReadsParamsByName) {
  const auto buf = handmade_openat();
  auto ev = decode_event(buf);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(ev->int_param("dirfd"), -100);
  EXPECT_EQ(ev->string_param("name"), "/tmp/x");
  EXPECT_EQ(ev->uint_param("flags"), static_cast<uint64_t>(O_WRONLY | O_CREAT));
  EXPECT_FALSE(ev->int_param("nope").has_value());
  EXPECT_FALSE(ev->string_param("dirfd").has_value());  // another encoding
  EXPECT_FALSE(ev->socktuple_param("tuple").has_value());
}

TEST(DecodeEvent, BuilderMatchesHandmadeLayout) {
  const auto built = RecordBuilder(257, 1001, 1000, 5, 123456789)
                         .cpu(3)
                         .i64(-100)
                         .str("/tmp/x")
                         .u32(O_WRONLY | O_CREAT)
                         .u32(0644)
                         .build();
  EXPECT_EQ(built, handmade_openat());
}

TEST(DecodeEvent, AcceptsTrailingBytesAfterTheRecord) {
  auto buf = handmade_openat();
  buf.resize(buf.size() + 5, 0xAA);
  auto ev = decode_event(buf);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(ev->record().size(), buf.size() - 5);
}

TEST(DecodeEvent, RejectsEveryTruncation) {
  const auto buf = handmade_openat();
  for (size_t n = 0; n < buf.size(); ++n) {
    EXPECT_FALSE(decode_event(std::span(buf).first(n)).ok()) << n;
  }
}

TEST(DecodeEvent, RejectsBadHeaderFields) {
  auto corrupt = [](size_t at, uint8_t v) {
    auto b = handmade_openat();
    b[at] = v;
    return decode_event(b);
  };
  EXPECT_NE(corrupt(0, 0).error().message.find("magic"), std::string::npos);
  EXPECT_NE(corrupt(4, 9).error().message.find("version"), std::string::npos);
  EXPECT_NE(corrupt(6, 0xFF).error().message.find("unknown event type"), std::string::npos);
  EXPECT_FALSE(corrupt(8, 0).ok());     // len below the header
  EXPECT_FALSE(corrupt(12, 17).ok());   // nparams above the maximum
  EXPECT_FALSE(corrupt(12, 3).ok());    // lengths no longer fill the record
  EXPECT_FALSE(corrupt(50, 60).ok());   // a parameter runs past the end
  EXPECT_FALSE(corrupt(48, 4).ok());    // dirfd: FD must be 8 bytes
}

TEST(DecodeEvent, FixedWidthParamMayBeAbsent) {
  const auto buf = RecordBuilder(257, 1, 1, -2).absent().str("x").absent().absent().build();
  auto ev = decode_event(buf);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_FALSE(ev->as_int(0).has_value());
  EXPECT_EQ(ev->as_string(1), "x");
  EXPECT_EQ(ev->res(), -2);
}

TEST(DecodeEvent, ReadsExecveStringArrays) {
  const uint16_t execve = PEREGRINE_EVT_CODE_EXECVE;
  ASSERT_EQ(execve, 59);
  RecordBuilder b(execve, 7, 7, 0);
  b.str("/bin/true").strings({"a", "", "b c"}).i64(1).str("true").u32(0).u32(0).u32(~0u);
  b.i64(7).i64(7).u64(42).str("/usr/bin/true").strings({"HOME=/root"});
  auto buf = b.flags(PEREGRINE_EVF_TRUNCATED).build();
  auto ev = decode_event(buf);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_TRUE(ev->truncated());
  EXPECT_EQ(ev->as_string(ev->index_of("exe")), "/bin/true");
  auto args = ev->as_strings(ev->index_of("args"));
  ASSERT_TRUE(args.has_value());
  EXPECT_EQ(*args, (std::vector<std::string_view>{"a", "", "b c"}));
  EXPECT_EQ(ev->as_string(ev->index_of("filename")), "/usr/bin/true");
  EXPECT_EQ(ev->as_uint(ev->index_of("loginuid")), 0xFFFFFFFFu);
  EXPECT_EQ(ev->as_uint(ev->index_of("cgroup_id")), 42u);
}

TEST(DecodeEvent, StringArrayWithoutFinalNulKeepsTheTail) {
  const uint8_t raw[] = {'a', 0, 'b', 'c'};
  RecordBuilder b(PEREGRINE_EVT_CODE_EXECVE, 1, 1, 0);
  b.str("x").bytes(raw);
  auto buf = b.build();
  auto ev = decode_event(buf);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(*ev->as_strings(1), (std::vector<std::string_view>{"a", "bc"}));
}

TEST(DecodeEvent, ReadsSockTuple) {
  SockTuple t;
  t.family = AF_INET;
  t.type = SOCK_STREAM;
  t.protocol = IPPROTO_TCP;
  t.lport = 40000;
  t.rport = 8080;
  const uint32_t lo = htonl(INADDR_LOOPBACK);
  std::memcpy(t.laddr.data(), &lo, 4);
  std::memcpy(t.raddr.data(), &lo, 4);
  const auto buf = RecordBuilder(PEREGRINE_EVT_CODE_CONNECT, 1, 1, 0)
                       .i64(3)
                       .absent()
                       .socktuple(t)
                       .build();
  auto ev = decode_event(buf);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  auto got = ev->as_socktuple(2);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->family, AF_INET);
  EXPECT_EQ(got->lport, 40000);
  EXPECT_EQ(got->rport, 8080);
  EXPECT_EQ(got->raddr, t.raddr);
  EXPECT_TRUE(got->unix_path.empty());
  EXPECT_EQ(ev->param(2).size(), sizeof(peregrine_socktuple));

  SockTuple u;
  u.family = AF_UNIX;
  u.unix_path = "/run/x.sock";
  const auto ubuf = RecordBuilder(PEREGRINE_EVT_CODE_CONNECT, 1, 1, 0)
                        .i64(3).absent().socktuple(u).build();
  auto uev = decode_event(ubuf);
  ASSERT_TRUE(uev.ok()) << uev.error().message;
  EXPECT_EQ(uev->as_socktuple(2)->unix_path, "/run/x.sock");
}

TEST(DecodeEvent, ShortSockTupleIsNotRead) {
  const uint8_t raw[10] = {};
  const auto buf =
      RecordBuilder(PEREGRINE_EVT_CODE_CONNECT, 1, 1, 0).i64(3).absent().bytes(raw).build();
  auto ev = decode_event(buf);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_FALSE(ev->as_socktuple(2).has_value());
}

TEST(DecodeEvent, ExtraParamsBeyondTheTableAreRawOnly) {
  // A newer driver of the same version may append parameters.
  const auto buf = RecordBuilder(PEREGRINE_EVT_CODE_CLOSE, 1, 1, 0).i64(4).u32(9).build();
  auto ev = decode_event(buf);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(ev->as_int(0), 4);
  EXPECT_EQ(ev->param(1).size(), 4u);
  EXPECT_FALSE(ev->as_int(1).has_value());
}

TEST(DecodeEvent, ProcexitLayout) {
  const auto buf = RecordBuilder(PEREGRINE_EVT_PROCEXIT, 9, 8, 0)
                       .i64(0x8b).i64(0).u32(11).u32(1).build();
  auto ev = decode_event(buf);
  ASSERT_TRUE(ev.ok()) << ev.error().message;
  EXPECT_EQ(ev->info().name, "procexit");
  EXPECT_EQ(ev->as_int(ev->index_of("sig")), 11);
  EXPECT_EQ(ev->as_int(ev->index_of("core")), 1);
}

TEST(BoottimeOffset, IsPlausible) {
  // Realtime is decades past boot; the offset is positive and later than 2020-01-01.
  EXPECT_GT(boottime_to_realtime_offset_ns(), int64_t{1577836800} * 1'000'000'000);
}

}  // namespace
}  // namespace peregrine::driver
