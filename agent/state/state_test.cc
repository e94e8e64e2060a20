// Tests of the agent's state layer: fd tables, cgroup -> container id, users, and the process
// table through clone/exec/exit.

#include <gtest/gtest.h>

#include "agent/state/cgroup_container_id.h"
#include "agent/state/container_registry.h"
#include "agent/state/fd_table.h"
#include "agent/state/process_table.h"
#include "agent/state/user_db.h"

namespace peregrine::agent {
namespace {

const std::string kId = "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f";

TEST(CgroupContainerId, RecognisesRuntimeLayouts) {
  struct Case {
    std::string path;
    std::string type;
    std::string pod_uid;
  };
  const Case cases[] = {
      {"/docker/" + kId, "docker", ""},
      {"/system.slice/docker-" + kId + ".scope", "docker", ""},
      {"/kubepods/besteffort/pod0a1b2c3d-1111-2222-3333-444455556666/" + kId, "containerd",
       "0a1b2c3d-1111-2222-3333-444455556666"},
      {"/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a1b_22.slice/cri-containerd-" + kId +
           ".scope",
       "containerd", "0a1b-22"},
      {"/kubepods.slice/kubepods-pod99.slice/crio-" + kId + ".scope", "cri-o", "99"},
      {"/machine.slice/libpod-" + kId + ".scope", "podman", ""},
      {"/crio/" + kId, "cri-o", ""},
  };
  for (const Case& c : cases) {
    auto ref = container_from_cgroup_path(c.path);
    ASSERT_TRUE(ref) << c.path;
    EXPECT_EQ(ref->full_id, kId) << c.path;
    EXPECT_EQ(ref->type, c.type) << c.path;
    EXPECT_EQ(ref->pod_uid, c.pod_uid) << c.path;
  }
}

TEST(CgroupContainerId, SandboxAndHostPathsAreNotContainers) {
  EXPECT_FALSE(container_from_cgroup_path("/process_api/69d1139e5808875943c3cf4da2527883"));
  EXPECT_FALSE(container_from_cgroup_path("/"));
  EXPECT_FALSE(container_from_cgroup_path("/user.slice/user-1000.slice/session-2.scope"));
  EXPECT_FALSE(container_from_cgroup_path("/system.slice/docker.service"));
  EXPECT_FALSE(container_from_cgroup_path("/kubepods/besteffort/pod1234"));  // pod, not container
  EXPECT_FALSE(container_from_cgroup_path("/docker/" + kId.substr(0, 63)));  // too short
}

TEST(CgroupContainerId, ParsesProcCgroupAndPicksTheContainerOne) {
  auto cgroups = parse_proc_cgroup(
      "4:memory:/process_api/69d1139e5808875943c3cf4da2527883\n9:name=systemd:/\n"
      "0::/kubepods/besteffort/podabc/" + kId + "\n");
  ASSERT_EQ(cgroups.size(), 3u);
  EXPECT_EQ(cgroups[0].subsystem, "memory");
  EXPECT_EQ(cgroups[1].subsystem, "systemd");
  EXPECT_EQ(cgroups[2].subsystem, "");
  auto ref = container_from_cgroups(cgroups);
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->full_id, kId);

  ContainerRegistry reg;
  const ContainerInfo& c = reg.for_cgroups(cgroups);
  EXPECT_EQ(c.view.id, kId.substr(0, 12));
  EXPECT_EQ(c.view.full_id, kId);
  EXPECT_EQ(c.k8s.pod_uid, "abc");
  EXPECT_EQ(&reg.for_cgroups(cgroups), &c);  // one view per container
  EXPECT_EQ(reg.for_cgroups(parse_proc_cgroup("4:memory:/process_api/x\n")).view.id, "host");
}

TEST(FdTable, PutDupCloseAndCloseOnExec) {
  FdTable t;
  engine::FdView f;
  f.num = 3;
  f.type = engine::FdType::kFile;
  f.name = "/etc/passwd";
  t.put(f, false);
  f.num = 4;
  f.name = "/tmp/x";
  t.put(f, true);
  ASSERT_TRUE(t.dup(3, 10, false));
  EXPECT_EQ(t.find(10)->view.name, "/etc/passwd");
  EXPECT_EQ(t.find(10)->view.num, 10);
  EXPECT_FALSE(t.dup(99, 10, false));  // unknown source: 10 no longer means /etc/passwd
  EXPECT_EQ(t.find(10), nullptr);
  t.close_on_exec();
  EXPECT_EQ(t.find(4), nullptr);
  ASSERT_NE(t.find(3), nullptr);
  t.close(3);
  EXPECT_EQ(t.size(), 0u);
}

TEST(FdTable, ANumberReusedAfterCloseHoldsOnlyItsNewFile) {
  FdTable t;
  engine::FdView f;
  f.num = 3;
  f.type = engine::FdType::kDirectory;
  f.name = "/etc";
  f.nameraw = "etc";
  t.put(f, true);
  t.close(3);
  EXPECT_EQ(t.find(3), nullptr);
  engine::FdView g;
  g.num = 5;
  g.type = engine::FdType::kFile;
  g.name = "/tmp/y";
  FdEntry& e = t.put(g, false);
  EXPECT_EQ(e.view.num, 5);
  EXPECT_EQ(e.view.type, engine::FdType::kFile);
  EXPECT_EQ(e.view.nameraw, "");
  EXPECT_FALSE(e.cloexec);
  EXPECT_EQ(t.find(3), nullptr);
  EXPECT_EQ(&t.find(5)->view, &e.view);
  FdTable copy = t;  // a copy carries the fds, and works on its own
  copy.close(5);
  EXPECT_EQ(copy.size(), 0u);
  EXPECT_EQ(t.find(5)->view.name, "/tmp/y");
}

TEST(UserDb, ParsesPasswdAndGroupLines) {
  auto users = parse_passwd("root:x:0:0:root:/root:/bin/bash\n# comment\nbad line\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[1].name, "nobody");
  EXPECT_EQ(users[1].uid, 65534u);
  EXPECT_EQ(users[1].shell, "/usr/sbin/nologin");
  auto groups = parse_group("root:x:0:\nshadow:x:42:\n");
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[1].first, 42u);
}

TEST(UserDb, ResolvesFromTheRealRoot) {
  UserDb db("/");
  const engine::UserView* root = db.user(0, -1);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->name, "root");
  EXPECT_EQ(db.user(0, -1), root);  // stable view
  EXPECT_EQ(db.user(4000000000u, -1), nullptr);
  ASSERT_NE(db.group(0), nullptr);
  EXPECT_EQ(db.group(0)->name, "root");
}

class ProcessTableTest : public ::testing::Test {
 protected:
  ThreadState& add(int64_t pid, int64_t ppid, std::string comm) {
    ThreadState t;
    t.view.tid = pid;
    t.view.pid = pid;
    t.view.ppid = ppid;
    t.view.vpid = pid;
    t.view.comm = std::move(comm);
    return table.insert(std::move(t));
  }
  ContainerRegistry containers;
  ProcessTable table{containers};
};

TEST_F(ProcessTableTest, CloneExecExitKeepAncestryExact) {
  add(1, 0, "systemd");
  ThreadState& bash = add(100, 1, "bash");
  engine::FdView f;
  f.num = 3;
  f.name = "/var/log/x";
  f.type = engine::FdType::kFile;
  bash.fds->put(f, false);
  f.num = 5;
  bash.fds->put(f, true);

  CloneInfo ci;
  ci.tid = 200;
  ci.pid = 200;
  ci.vtid = ci.vpid = 200;
  ThreadState& child = table.on_clone(&bash, ci);
  EXPECT_EQ(child.view.ppid, 100);
  EXPECT_EQ(child.view.comm, "bash");
  ASSERT_NE(child.view.parent, nullptr);
  EXPECT_EQ(child.view.parent->comm, "bash");
  EXPECT_EQ(child.view.parent->parent->comm, "systemd");
  EXPECT_NE(child.fds, bash.fds);  // fork copies the table
  EXPECT_NE(child.fds->find(3), nullptr);

  ExecInfo ei;
  ei.comm = "cat";
  ei.exe = "cat";
  ei.exepath = "/usr/bin/cat";
  ei.args = {"/etc/shadow"};
  table.on_exec(child, std::move(ei));
  EXPECT_EQ(child.view.comm, "cat");
  EXPECT_EQ(child.view.args, std::vector<std::string>{"/etc/shadow"});
  EXPECT_EQ(child.fds->find(5), nullptr);  // close-on-exec
  EXPECT_NE(child.fds->find(3), nullptr);

  // A thread of cat shares its fds and its parent.
  CloneInfo ti;
  ti.tid = 201;
  ti.pid = 200;
  ti.same_thread_group = true;
  ThreadState& thread = table.on_clone(&child, ti);
  EXPECT_EQ(thread.fds, child.fds);
  EXPECT_EQ(thread.view.ppid, 100);
  EXPECT_EQ(thread.view.parent, &bash.view);

  // bash exits: its child is re-parented to init.
  table.remove(100);
  EXPECT_EQ(table.find(100), nullptr);
  ThreadState* cat = table.find(200);
  ASSERT_NE(cat, nullptr);
  EXPECT_EQ(cat->view.ppid, 1);
  ASSERT_NE(cat->view.parent, nullptr);
  EXPECT_EQ(cat->view.parent->comm, "systemd");
  table.remove(201);
  table.remove(200);
  EXPECT_EQ(table.size(), 1u);
}

TEST_F(ProcessTableTest, FindForgetsARemovedThread) {
  add(1, 0, "systemd");
  add(100, 1, "bash");
  ASSERT_NE(table.find(100), nullptr);
  ASSERT_NE(table.find(100), nullptr);  // the remembered one
  table.remove(100);
  EXPECT_EQ(table.find(100), nullptr);
  ThreadState& again = add(100, 1, "sh");  // the tid reused
  EXPECT_EQ(table.find(100), &again);
  EXPECT_EQ(table.find(100)->view.comm, "sh");
  EXPECT_EQ(table.find(1)->view.comm, "systemd");
}

TEST_F(ProcessTableTest, ReparentsToThePidNamespaceInit) {
  add(1, 0, "systemd");
  add(50, 1, "unshare");
  ThreadState& ns_init = add(60, 50, "sh");
  ns_init.view.vpid = 1;
  add(70, 60, "sh");
  add(80, 70, "cat");
  table.remove(70);
  EXPECT_EQ(table.find(80)->view.parent, &table.find(60)->view);
  EXPECT_EQ(table.find(80)->view.ppid, 60);
}

TEST_F(ProcessTableTest, CloneFromAnUnknownCreatorIsIncomplete) {
  CloneInfo ci;
  ci.tid = ci.pid = 300;
  ci.ppid = 1;
  ci.comm = "x";
  ThreadState& t = table.on_clone(nullptr, ci);
  EXPECT_TRUE(t.incomplete);
  EXPECT_EQ(t.view.comm, "x");
  EXPECT_EQ(t.container->view.id, "host");
}

TEST_F(ProcessTableTest, ExecIntoAContainerCgroupChangesTheContainer) {
  ThreadState& sh = add(10, 1, "sh");
  EXPECT_TRUE(sh.container->view.is_host());
  ExecInfo ei;
  ei.comm = "sh";
  ei.cgroups = parse_proc_cgroup("0::/kubepods/besteffort/pod1/" + kId + "\n");
  table.on_exec(sh, std::move(ei));
  EXPECT_EQ(sh.container->view.id, kId.substr(0, 12));
}

}  // namespace
}  // namespace peregrine::agent
