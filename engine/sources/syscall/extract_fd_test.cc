#include <gtest/gtest.h>

#include "engine/sources/syscall/syscall_test_fixture.h"

namespace peregrine::engine::testing {
namespace {

class FdFields : public SyscallFixture {
 protected:
  // This process connected from 10.0.0.5:43210 to 93.184.216.34:443 over TCP.
  void make_outbound_tcp() {
    fd.type = FdType::kIpv4;
    fd.name = "10.0.0.5:43210->93.184.216.34:443";
    fd.nameraw.clear();
    fd.l4proto = L4Proto::kTcp;
    fd.role = SocketRole::kClient;
    fd.cip = *IpAddr::parse("10.0.0.5");
    fd.cport = 43210;
    fd.sip = *IpAddr::parse("93.184.216.34");
    fd.sport = 443;
    fd.connected = true;
    fd.sip_name = "example.com";
  }
};

TEST_F(FdFields, FilePaths) {
  EXPECT_EQ(text("fd.num"), "3");
  EXPECT_EQ(text("fd.name"), "/etc/shadow");
  EXPECT_EQ(text("fd.nameraw"), "../etc//shadow");
  EXPECT_EQ(text("fd.directory"), "/etc");
  EXPECT_EQ(text("fd.filename"), "shadow");
  EXPECT_EQ(text("fd.type"), "file");
  EXPECT_EQ(text("fd.typechar"), "f");
  EXPECT_EQ(text("fd.sockfamily"), "<missing>");
  EXPECT_EQ(text("fd.l4proto"), "<missing>");
  EXPECT_EQ(text("fd.sip"), "<missing>");
  EXPECT_EQ(text("fd.lport"), "<missing>");
}

TEST_F(FdFields, DirectoryAndFilenameEdgeCases) {
  fd.name = "/shadow";
  EXPECT_EQ(text("fd.directory"), "/");
  EXPECT_EQ(text("fd.filename"), "shadow");
  fd.name = "/var/lib/kubelet/pki/kubelet.key";
  EXPECT_EQ(text("fd.directory"), "/var/lib/kubelet/pki");
  EXPECT_EQ(text("fd.filename"), "kubelet.key");
  fd.type = FdType::kDirectory;
  fd.name = "/etc/cron.d";
  EXPECT_EQ(text("fd.directory"), "/etc/cron.d");
  EXPECT_EQ(text("fd.filename"), "<missing>");
  EXPECT_EQ(text("fd.typechar"), "d");
  fd.type = FdType::kPipe;
  fd.name = "pipe:[1234]";
  EXPECT_EQ(text("fd.directory"), "<missing>");
  EXPECT_EQ(text("fd.typechar"), "p");
}

TEST_F(FdFields, TypeCharsAndNames) {
  struct Case {
    FdType type;
    const char* name;
    const char* typechar;
  };
  for (const Case& c : {Case{FdType::kIpv4, "ipv4", "4"}, Case{FdType::kIpv6, "ipv6", "6"},
                        Case{FdType::kUnix, "unix", "u"}, Case{FdType::kEvent, "event", "e"},
                        Case{FdType::kSignalfd, "signalfd", "s"},
                        Case{FdType::kEventpoll, "eventpoll", "l"},
                        Case{FdType::kInotify, "inotify", "i"},
                        Case{FdType::kTimerfd, "timerfd", "t"},
                        Case{FdType::kNetlink, "netlink", "n"}, Case{FdType::kBpf, "bpf", "b"},
                        Case{FdType::kUserfaultfd, "userfaultfd", "u"},
                        Case{FdType::kIoUring, "io_uring", "r"},
                        Case{FdType::kMemfd, "memfd", "m"},
                        Case{FdType::kUnknown, "unknown", "o"},
                        Case{static_cast<FdType>(200), "unknown", "o"}}) {
    fd.type = c.type;
    EXPECT_EQ(text("fd.type"), c.name);
    EXPECT_EQ(text("fd.typechar"), c.typechar) << c.name;
  }
}

TEST_F(FdFields, OutboundConnectionEnds) {
  make_outbound_tcp();
  EXPECT_EQ(text("fd.typechar"), "4");
  EXPECT_EQ(text("fd.sockfamily"), "ip");
  EXPECT_EQ(text("fd.l4proto"), "tcp");
  EXPECT_EQ(text("fd.cip"), "10.0.0.5");
  EXPECT_EQ(text("fd.sip"), "93.184.216.34");
  EXPECT_EQ(text("fd.cport"), "43210");
  EXPECT_EQ(text("fd.sport"), "443");
  EXPECT_EQ(text("fd.lip"), "10.0.0.5");
  EXPECT_EQ(text("fd.rip"), "93.184.216.34");
  EXPECT_EQ(text("fd.lport"), "43210");
  EXPECT_EQ(text("fd.rport"), "443");
  EXPECT_EQ(text("fd.port"), "443");
  EXPECT_EQ(text("fd.ip"), "93.184.216.34");
  EXPECT_EQ(text("fd.is_server"), "false");
  EXPECT_EQ(text("fd.connected"), "true");
  EXPECT_EQ(text("fd.sip.name"), "example.com");
  EXPECT_EQ(text("fd.rip.name"), "example.com");
  EXPECT_EQ(text("fd.cip.name"), "<missing>");
  EXPECT_EQ(text("fd.filename"), "<missing>");
}

TEST_F(FdFields, InboundConnectionSwapsLocalAndRemote) {
  make_outbound_tcp();
  fd.role = SocketRole::kServer;  // now this process accepted the connection
  EXPECT_EQ(text("fd.is_server"), "true");
  EXPECT_EQ(text("fd.lport"), "443");
  EXPECT_EQ(text("fd.rport"), "43210");
  EXPECT_EQ(text("fd.lip"), "93.184.216.34");
  EXPECT_EQ(text("fd.rip"), "10.0.0.5");
  EXPECT_EQ(text("fd.lip.name"), "example.com");
}

TEST_F(FdFields, NetworkFieldsCarryTheAddress) {
  make_outbound_tcp();
  ASSERT_TRUE(get("fd.snet"));
  EXPECT_EQ(out.kind(), Extraction::Kind::kIp);
  EXPECT_TRUE(IpNet::parse("93.184.0.0/16")->contains(out.ip()));
  ASSERT_TRUE(get("fd.cnet"));
  EXPECT_TRUE(IpNet::parse("10.0.0.0/8")->contains(out.ip()));
  ASSERT_TRUE(get("fd.net"));
  EXPECT_EQ(out.ip(), *IpAddr::parse("93.184.216.34"));
  ASSERT_TRUE(get("fd.lnet"));
  EXPECT_EQ(out.ip(), *IpAddr::parse("10.0.0.5"));
  ASSERT_TRUE(get("fd.rnet"));
  EXPECT_EQ(out.ip(), *IpAddr::parse("93.184.216.34"));
}

TEST_F(FdFields, ListeningSocketHasOnlyItsServerEnd) {
  make_outbound_tcp();
  fd.role = SocketRole::kServer;
  fd.cip = IpAddr{};
  fd.cport = 0;
  fd.connected = false;
  EXPECT_EQ(text("fd.sport"), "443");
  EXPECT_EQ(text("fd.sip"), "93.184.216.34");
  EXPECT_EQ(text("fd.cip"), "<missing>");
  EXPECT_EQ(text("fd.cport"), "<missing>");
  EXPECT_EQ(text("fd.lport"), "<missing>");
  EXPECT_EQ(text("fd.rip"), "<missing>");
}

TEST_F(FdFields, UnknownRoleHidesEveryEnd) {
  make_outbound_tcp();
  fd.role = SocketRole::kNone;
  for (const char* f : {"fd.cip", "fd.sip", "fd.cport", "fd.sport", "fd.lport", "fd.rport",
                        "fd.ip", "fd.port", "fd.net"}) {
    EXPECT_EQ(text(f), "<missing>") << f;
  }
  EXPECT_EQ(text("fd.l4proto"), "tcp");
}

TEST_F(FdFields, Ipv6AndUnix) {
  make_outbound_tcp();
  fd.type = FdType::kIpv6;
  fd.cip = *IpAddr::parse("fd00::5");
  fd.sip = *IpAddr::parse("2001:db8::1");
  EXPECT_EQ(text("fd.typechar"), "6");
  EXPECT_EQ(text("fd.rip"), "2001:db8::1");
  fd.type = FdType::kUnix;
  fd.name = "/var/run/docker.sock";
  EXPECT_EQ(text("fd.sockfamily"), "unix");
  EXPECT_EQ(text("fd.sip"), "<missing>");
  EXPECT_EQ(text("fd.l4proto"), "<missing>");
}

TEST_F(FdFields, FailedOpenStillHasAName) {
  event.res = -2;
  fd.num = -1;
  EXPECT_EQ(text("fd.num"), "-1");
  EXPECT_EQ(text("fd.name"), "/etc/shadow");
}

TEST_F(FdFields, MissingFdViewMeansMissingFields) {
  event.fd = nullptr;
  for (const char* f : {"fd.num", "fd.name", "fd.typechar", "fd.directory", "fd.sip",
                        "fd.is_server", "fd.connected"}) {
    EXPECT_EQ(text(f), "<missing>") << f;
  }
}

}  // namespace
}  // namespace peregrine::engine::testing
