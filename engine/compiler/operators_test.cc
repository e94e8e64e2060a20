// Every comparison operator on real SyscallEvent values: strings, byte patterns, globs,
// regexes, sets, path prefixes, numbers, booleans, addresses and networks, and the compile
// errors for operators or operands that do not fit a field's type.

#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"

namespace peregrine::engine {
namespace {

using testing::ConditionHarness;
using testing::SyscallScene;

class OperatorsTest : public ::testing::Test {
 protected:
  bool match(std::string_view cond) { return h.matches(cond, s.event); }
  std::string error(std::string_view cond) { return h.error(cond); }

  SyscallSource source{"node-1"};
  ConditionHarness h{source};
  SyscallScene s;
};

TEST_F(OperatorsTest, Equality) {
  EXPECT_TRUE(match("proc.name = cat"));
  EXPECT_TRUE(match("proc.name == cat"));
  EXPECT_TRUE(match("proc.name='cat'"));
  EXPECT_FALSE(match("proc.name = Cat"));
  EXPECT_FALSE(match("proc.name = ca"));
  EXPECT_FALSE(match("proc.name != cat"));
  EXPECT_TRUE(match("proc.name != bash"));
  EXPECT_TRUE(match("fd.typechar='f'"));
  EXPECT_TRUE(match("proc.cmdline = \"cat /etc/shadow\""));
}

TEST_F(OperatorsTest, Substrings) {
  EXPECT_TRUE(match("fd.name contains shad"));
  EXPECT_FALSE(match("fd.name contains SHAD"));
  EXPECT_TRUE(match("fd.name icontains SHAD"));
  EXPECT_TRUE(match("fd.name icontains /eTc/"));
  EXPECT_FALSE(match("fd.name icontains passwd"));
  EXPECT_TRUE(match("fd.name contains ''"));
  EXPECT_TRUE(match("fd.name startswith /etc/"));
  EXPECT_FALSE(match("fd.name startswith etc"));
  EXPECT_TRUE(match("fd.name endswith shadow"));
  EXPECT_FALSE(match("fd.name endswith /etc"));
}

TEST_F(OperatorsTest, BytePatterns) {
  // "shadow" and "/etc" in hex.
  EXPECT_TRUE(match("fd.name bcontains 736861646f77"));
  EXPECT_TRUE(match("fd.name bcontains 736861646F77"));
  EXPECT_FALSE(match("fd.name bcontains 7061737377"));
  EXPECT_TRUE(match("fd.name bstartswith 2f657463"));
  EXPECT_FALSE(match("fd.name bstartswith 657463"));
  const uint8_t elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  s.event.buffer = std::span<const uint8_t>(elf, sizeof elf);
  EXPECT_TRUE(match("evt.buffer bstartswith 7f454c46"));
  EXPECT_TRUE(match("evt.buffer bcontains 454c4602"));
  EXPECT_FALSE(match("evt.buffer bstartswith 454c46"));
  EXPECT_EQ(error("fd.name bcontains 7f4"),
            "operator 'bcontains' needs hex bytes (like 7f454c46), not '7f4'");
  EXPECT_EQ(error("fd.name bstartswith zz"),
            "operator 'bstartswith' needs hex bytes (like 7f454c46), not 'zz'");
}

TEST_F(OperatorsTest, Globs) {
  EXPECT_TRUE(match("fd.name glob '/etc/*'"));
  EXPECT_TRUE(match("fd.name glob /etc/sh?dow"));
  EXPECT_TRUE(match("fd.name glob '/etc/[a-s]hadow'"));
  EXPECT_FALSE(match("fd.name glob '/etc/[!s]hadow'"));
  EXPECT_TRUE(match("fd.name glob '/etc/[^p]hadow'"));
  EXPECT_TRUE(match("fd.name glob '*/shadow'"));
  EXPECT_TRUE(match("fd.name glob '/*'"));  // '*' crosses '/', as in Falco
  EXPECT_TRUE(match("fd.name glob '*'"));
  EXPECT_FALSE(match("fd.name glob '/etc'"));
  EXPECT_FALSE(match("fd.name glob '/etc/shadow?'"));
  EXPECT_FALSE(match("fd.name glob '/ETC/*'"));
  EXPECT_TRUE(match("fd.name iglob '/ETC/*'"));
  EXPECT_TRUE(match("fd.name iglob '/etc/[R-T]HADOW'"));
  EXPECT_TRUE(match("fd.name glob '/e*c/*a*w'"));
}

TEST_F(OperatorsTest, RegexMatchesTheWholeValue) {
  EXPECT_TRUE(match("fd.name regex '/etc/s.*'"));
  EXPECT_TRUE(match("fd.name regex \"^/etc/[a-z]+$\""));
  EXPECT_FALSE(match("fd.name regex shadow"));  // anchored at both ends, as in Falco
  EXPECT_TRUE(match("fd.name regex '.*shadow'"));
  EXPECT_TRUE(match("proc.cmdline regex 'cat\\s+/etc/\\w+'"));
  EXPECT_EQ(error("fd.name regex '(unclosed'").rfind("invalid regular expression '(unclosed': ", 0), 0u);
}

TEST_F(OperatorsTest, SetMembership) {
  EXPECT_TRUE(match("proc.name in (bash, cat)"));
  EXPECT_TRUE(match("proc.name in ('cat')"));
  EXPECT_FALSE(match("proc.name in (bash, sh)"));
  EXPECT_FALSE(match("proc.name in ()"));
  EXPECT_TRUE(match("not proc.name in ()"));
  EXPECT_TRUE(match("proc.name intersects (cat, dog)"));
  EXPECT_FALSE(match("proc.name intersects (dog)"));
  EXPECT_TRUE(match("fd.num in (1, 2, 3)"));
  EXPECT_FALSE(match("fd.num in (4, 5)"));
  EXPECT_FALSE(match("fd.num in ()"));
}

TEST_F(OperatorsTest, PathPrefixes) {
  EXPECT_TRUE(match("fd.name pmatch (/etc)"));
  EXPECT_TRUE(match("fd.name pmatch (/etc/)"));
  EXPECT_TRUE(match("fd.name pmatch (/usr, /etc/shadow)"));
  EXPECT_FALSE(match("fd.name pmatch (/et)"));  // whole path components only
  EXPECT_FALSE(match("fd.name pmatch (/etc/shadow/x)"));
  EXPECT_FALSE(match("fd.name pmatch ()"));
  EXPECT_TRUE(match("fd.name pmatch (/)"));
}

TEST_F(OperatorsTest, Exists) {
  EXPECT_TRUE(match("fd.name exists"));
  EXPECT_TRUE(match("proc.env[HOME] exists"));
  EXPECT_FALSE(match("proc.env[NOPE] exists"));
  EXPECT_TRUE(match("not proc.env[NOPE] exists"));
  s.event.fd = nullptr;
  EXPECT_FALSE(match("fd.name exists"));
  EXPECT_FALSE(match("fd.num exists"));
}

TEST_F(OperatorsTest, Numbers) {
  EXPECT_TRUE(match("fd.num = 3"));
  EXPECT_TRUE(match("fd.num == 3"));
  EXPECT_TRUE(match("fd.num>=0"));
  EXPECT_TRUE(match("fd.num >= 3"));
  EXPECT_FALSE(match("fd.num >= 4"));
  EXPECT_TRUE(match("fd.num > 2"));
  EXPECT_FALSE(match("fd.num > 3"));
  EXPECT_TRUE(match("fd.num <= 3"));
  EXPECT_FALSE(match("fd.num < 3"));
  EXPECT_TRUE(match("fd.num < 4"));
  EXPECT_TRUE(match("fd.num != 4"));
  EXPECT_FALSE(match("fd.num != 3"));
  EXPECT_TRUE(match("fd.num = 0x3"));
  EXPECT_TRUE(match("fd.num = '3'"));
  EXPECT_TRUE(match("proc.pid = 1001"));
  EXPECT_TRUE(match("proc.pid > -1"));
  EXPECT_TRUE(match("evt.rawarg.dirfd = -100"));
  EXPECT_TRUE(match("evt.rawarg.dirfd < 0"));
  // Unsigned and signed mix without wrapping: uid 0 is not below -1.
  EXPECT_TRUE(match("user.uid = 0"));
  EXPECT_FALSE(match("user.uid < -1"));
  EXPECT_TRUE(match("user.uid > -1"));
  s.cat.uid = 4294967295u;
  EXPECT_TRUE(match("user.uid = 4294967295"));
  EXPECT_TRUE(match("proc.tty != 0"));
  EXPECT_TRUE(match("evt.rawtime > 1700000000000000000"));
  EXPECT_TRUE(match("proc.duration >= 2000000000"));
}

TEST_F(OperatorsTest, NumberOperandErrors) {
  EXPECT_EQ(error("fd.num = abc"), "'abc' is not a number, but 'fd.num' is an int64 field");
  EXPECT_EQ(error("fd.num in (1, x)"), "'x' is not a number, but 'fd.num' is an int64 field");
  EXPECT_EQ(error("fd.num contains 3"), "operator 'contains' does not apply to 'fd.num', an int64 field");
  EXPECT_EQ(error("fd.num glob 3*"), "operator 'glob' does not apply to 'fd.num', an int64 field");
  EXPECT_EQ(error("fd.num pmatch (3)"), "operator 'pmatch' does not apply to 'fd.num', an int64 field");
  EXPECT_EQ(error("proc.name < 3"), "operator '<' compares numbers, but 'proc.name' is a string field");
  EXPECT_EQ(error("fd.num = (1, 2)"), "parse: expected a value, found '(1,'");
}

TEST_F(OperatorsTest, Booleans) {
  EXPECT_TRUE(match("evt.is_open_read = true"));
  EXPECT_TRUE(match("evt.is_open_read=true"));
  EXPECT_TRUE(match("evt.is_open_read = TRUE"));
  EXPECT_FALSE(match("evt.is_open_read = false"));
  EXPECT_FALSE(match("evt.is_open_read != true"));
  EXPECT_TRUE(match("evt.is_open_write = false"));
  EXPECT_TRUE(match("evt.is_open_read = 1"));
  EXPECT_TRUE(match("evt.is_open_write in (false)"));
  EXPECT_TRUE(match("proc.is_exe_writable = false"));
  s.cat.exe_writable = true;
  EXPECT_TRUE(match("proc.is_exe_writable = true"));
  EXPECT_EQ(error("evt.is_open_read = yes"), "'yes' is not true or false, but 'evt.is_open_read' is a bool field");
  EXPECT_EQ(error("evt.is_open_read contains t"),
            "operator 'contains' does not apply to 'evt.is_open_read', a bool field");
}

class NetworkOperatorsTest : public OperatorsTest {
 protected:
  NetworkOperatorsTest() {
    sock.num = 5;
    sock.type = FdType::kIpv4;
    sock.l4proto = L4Proto::kTcp;
    sock.role = SocketRole::kClient;
    sock.cip = *IpAddr::parse("10.0.0.5");
    sock.sip = *IpAddr::parse("93.184.216.34");
    sock.cport = 51234;
    sock.sport = 443;
    sock.connected = true;
    sock.name = "10.0.0.5:51234->93.184.216.34:443";
    s.event.fd = &sock;
    s.event.type = 42;  // connect
  }
  FdView sock;
};

TEST_F(NetworkOperatorsTest, Ports) {
  EXPECT_TRUE(match("fd.sport = 443"));
  EXPECT_TRUE(match("fd.sport in (80, 443, 8443)"));
  EXPECT_FALSE(match("fd.sport in (80, 8080)"));
  EXPECT_TRUE(match("fd.cport > 1024"));
  EXPECT_TRUE(match("fd.sport <= 443"));
  EXPECT_EQ(error("fd.sport = https"), "'https' is not a number, but 'fd.sport' is a port field");
}

TEST_F(NetworkOperatorsTest, AddressesAndNetworks) {
  EXPECT_TRUE(match("fd.sip = 93.184.216.34"));
  EXPECT_TRUE(match("fd.sip == \"93.184.216.34\""));
  EXPECT_FALSE(match("fd.sip = 93.184.216.35"));
  EXPECT_TRUE(match("fd.sip != 1.2.3.4"));
  EXPECT_FALSE(match("fd.sip != 93.184.216.34"));
  EXPECT_TRUE(match("fd.cip in (10.0.0.0/8)"));
  EXPECT_TRUE(match("fd.cip in (192.168.0.0/16, 10.0.0.0/8)"));
  EXPECT_FALSE(match("fd.cip in (192.168.0.0/16, 172.16.0.0/12)"));
  EXPECT_TRUE(match("fd.cip = 10.0.0.0/24"));
  EXPECT_FALSE(match("fd.cip = 10.0.1.0/24"));
  EXPECT_TRUE(match("fd.snet = 93.184.0.0/16"));
  EXPECT_TRUE(match("fd.cnet in (10.0.0.0/8)"));
  EXPECT_TRUE(match("fd.sip intersects (93.184.216.34)"));
  EXPECT_FALSE(match("fd.sip = ::1"));  // families never match each other
  EXPECT_FALSE(match("fd.sip in ()"));
  EXPECT_EQ(error("fd.sip = example.com"),
            "'example.com' is not an IP address or CIDR network, but 'fd.sip' is an ipaddr field");
  EXPECT_EQ(error("fd.sip = 10.0.0.0/33"),
            "'10.0.0.0/33' is not an IP address or CIDR network, but 'fd.sip' is an ipaddr field");
  EXPECT_EQ(error("fd.sip contains 93"), "operator 'contains' does not apply to 'fd.sip', an ipaddr field");
  EXPECT_EQ(error("fd.sip > 1.2.3.4"), "operator '>' does not apply to 'fd.sip', an ipaddr field");
}

TEST_F(NetworkOperatorsTest, Ipv6) {
  sock.type = FdType::kIpv6;
  sock.cip = *IpAddr::parse("fd00::5");
  sock.sip = *IpAddr::parse("2001:db8::1");
  EXPECT_TRUE(match("fd.sip = 2001:db8::1"));
  EXPECT_TRUE(match("fd.sip = '2001:db8:0:0::1'"));
  EXPECT_TRUE(match("fd.sip in (2001:db8::/32)"));
  EXPECT_FALSE(match("fd.sip in (2001:db9::/32)"));
  EXPECT_TRUE(match("fd.cip = fd00::/8"));
  EXPECT_FALSE(match("fd.cip in (10.0.0.0/8)"));
}

TEST_F(OperatorsTest, ScalarOperatorsTakeOneValue) {
  h.list("two", {"a", "b"});
  h.list("one", {"cat"});
  EXPECT_EQ(error("proc.name = two"), "list 'two' has 2 items, but this operator takes one value");
  // A one-item list works after `=`: Falco substitutes list names as text.
  EXPECT_TRUE(match("proc.name = one"));
  EXPECT_FALSE(match("proc.name = 'one'"));  // quoted: the word itself
}

}  // namespace
}  // namespace peregrine::engine
