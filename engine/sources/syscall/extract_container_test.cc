// Extraction of the user.*, group.*, container.* and k8s.* fields.

#include <gtest/gtest.h>

#include "engine/sources/syscall/syscall_test_fixture.h"

namespace peregrine::engine::testing {
namespace {

using UserFields = SyscallFixture;
using ContainerFields = SyscallFixture;

TEST_F(UserFields, IdsFromTheThreadNamesFromTheViews) {
  EXPECT_EQ(text("user.uid"), "0");
  EXPECT_EQ(text("user.name"), "root");
  EXPECT_EQ(text("user.homedir"), "/root");
  EXPECT_EQ(text("user.shell"), "/bin/bash");
  EXPECT_EQ(text("user.loginuid"), "-1");
  EXPECT_EQ(text("user.loginname"), "<missing>");
  EXPECT_EQ(text("group.gid"), "0");
  EXPECT_EQ(text("group.name"), "root");

  cat.loginuid = 0xFFFFFFFF;  // the kernel's spelling of "unset"
  EXPECT_EQ(text("user.loginuid"), "-1");
  cat.loginuid = 1000;
  user.loginname = "alice";
  EXPECT_EQ(text("user.loginuid"), "1000");
  EXPECT_EQ(text("user.loginname"), "alice");
}

TEST_F(UserFields, MissingViews) {
  event.user = nullptr;
  event.group = nullptr;
  EXPECT_EQ(text("user.uid"), "0");  // still known from the thread
  EXPECT_EQ(text("user.name"), "<missing>");
  EXPECT_EQ(text("group.name"), "<missing>");
  event.thread = nullptr;
  EXPECT_EQ(text("user.uid"), "<missing>");
  EXPECT_EQ(text("user.loginuid"), "<missing>");
  EXPECT_EQ(text("group.gid"), "<missing>");
}

TEST_F(ContainerFields, Metadata) {
  EXPECT_EQ(text("container.id"), "0123456789ab");
  EXPECT_EQ(text("container.full_id"), std::string(64, 'a'));
  EXPECT_EQ(text("container.name"), "web");
  EXPECT_EQ(text("container.type"), "containerd");
  EXPECT_EQ(text("container.image"), "docker.io/library/nginx:1.25");
  EXPECT_EQ(text("container.image.repository"), "docker.io/library/nginx");
  EXPECT_EQ(text("container.image.tag"), "1.25");
  EXPECT_EQ(text("container.image.digest"), "<missing>");
  EXPECT_EQ(text("container.privileged"), "false");
  EXPECT_EQ(text("container.start_ts"), std::to_string(kEventTime - 3600 * kSecond));
  EXPECT_EQ(text("container.duration"), std::to_string(3600 * kSecond));
  container.privileged.reset();
  EXPECT_EQ(text("container.privileged"), "<missing>");
}

TEST_F(ContainerFields, Mounts) {
  EXPECT_EQ(text("container.mounts"),
            "/var/run/docker.sock:/var/run/docker.sock::true:rprivate,"
            "/etc/kubernetes:/host/etc/kubernetes:ro:false:rprivate");
  EXPECT_EQ(text("container.mount", "1"), "/etc/kubernetes:/host/etc/kubernetes:ro:false:rprivate");
  EXPECT_EQ(text("container.mount", "/nope"), "none");
  // dest[...] selects by the mount's source (a glob), source[...] by its destination.
  EXPECT_EQ(text("container.mount.dest", "/var/run/docker.sock"), "/var/run/docker.sock");
  EXPECT_EQ(text("container.mount.dest", "/etc/kube*"), "/host/etc/kubernetes");
  EXPECT_EQ(text("container.mount.dest", "/etc"), "<missing>");
  EXPECT_EQ(text("container.mount.dest", "/"), "<missing>");
  EXPECT_EQ(text("container.mount.source", "/host/etc/*"), "/etc/kubernetes");
  EXPECT_EQ(text("container.mount.dest", "0"), "/var/run/docker.sock");
  EXPECT_EQ(text("container.mount.dest", "7"), "<missing>");
  EXPECT_EQ(text("container.mount.mode", "/etc/kubernetes"), "ro");
  EXPECT_EQ(text("container.mount.rdwr", "/etc/kubernetes"), "false");
  EXPECT_EQ(text("container.mount.propagation", "0"), "rprivate");
}

TEST_F(ContainerFields, HostProcessesHaveNoRuntimeMetadata) {
  container = ContainerView{};
  container.id = "host";
  container.name = "host";
  container.type = "host";
  EXPECT_EQ(text("container.id"), "host");
  EXPECT_EQ(text("container.name"), "host");
  for (const char* f : {"container.image", "container.image.repository", "container.privileged",
                        "container.mounts", "container.start_ts", "container.full_id"}) {
    EXPECT_EQ(text(f), "<missing>") << f;
  }
  EXPECT_EQ(text("container.mount.dest", "/proc*"), "<missing>");
}

TEST_F(ContainerFields, NoContainerViewMeansUnknown) {
  event.container = nullptr;
  EXPECT_EQ(text("container.id"), "<missing>");
  EXPECT_EQ(text("container.name"), "<missing>");
  EXPECT_EQ(text("k8s.pod.name"), "web-1");  // pod metadata has its own view
}

TEST_F(ContainerFields, PodMetadata) {
  EXPECT_EQ(text("k8s.ns.name"), "default");
  EXPECT_EQ(text("k8s.pod.name"), "web-1");
  EXPECT_EQ(text("k8s.pod.uid"), "uid-1");
  EXPECT_EQ(text("k8s.pod.id"), "uid-1");
  EXPECT_EQ(text("k8s.pod.ip"), "<missing>");
  EXPECT_EQ(text("k8s.pod.labels"), "app:web, app.kubernetes.io/name:nginx, bare");
  EXPECT_EQ(text("k8s.pod.label.app"), "web");
  EXPECT_EQ(text("k8s.pod.label.app.kubernetes.io/name"), "nginx");
  EXPECT_EQ(text("k8s.pod.label", "app.kubernetes.io/name"), "nginx");
  EXPECT_EQ(text("k8s.pod.label.bare"), "");
  EXPECT_EQ(text("k8s.pod.label.nope"), "<missing>");
  event.k8s = nullptr;
  EXPECT_EQ(text("k8s.ns.name"), "<missing>");
  EXPECT_EQ(text("k8s.pod.labels"), "<missing>");
}

}  // namespace
}  // namespace peregrine::engine::testing
