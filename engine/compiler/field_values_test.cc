// How checks treat the shape of a value: missing values (false, `not` makes them true),
// multi-valued fields (`proc.aname` without an index is "any ancestor"; k8s list fields are
// sets that `in` must cover and `intersects` must touch), `val()` comparisons between two
// fields, and transformers.

#include <gtest/gtest.h>

#include "engine/compiler/test_support.h"
#include "engine/sources/k8s_audit/audit_event.h"
#include "engine/sources/k8s_audit/audit_source.h"

namespace peregrine::engine {
namespace {

using testing::ConditionHarness;
using testing::SyscallScene;

class FieldValuesTest : public ::testing::Test {
 protected:
  bool match(std::string_view cond) { return h.matches(cond, s.event); }
  std::string error(std::string_view cond) { return h.error(cond); }

  SyscallSource source{"node-1"};
  ConditionHarness h{source};
  SyscallScene s;
};

TEST_F(FieldValuesTest, MissingValueIsFalseForEveryOperator) {
  s.event.fd = nullptr;
  for (const char* cond :
       {"fd.name = x", "fd.name != x", "fd.name contains x", "fd.name icontains x",
        "fd.name startswith /", "fd.name endswith x", "fd.name glob '*'", "fd.name iglob '*'",
        "fd.name regex '.*'", "fd.name in (x)", "fd.name intersects (x)", "fd.name pmatch (/)",
        "fd.name bcontains 2f", "fd.name bstartswith 2f", "fd.num = 3", "fd.num != 3",
        "fd.num < 3", "fd.num >= 0", "fd.num in (3)", "fd.sip = 1.2.3.4", "fd.sip != 1.2.3.4",
        "fd.is_server = false", "fd.is_server != true", "fd.name = val(proc.name)",
        "proc.name != val(fd.name)", "tolower(fd.name) = x"}) {
    EXPECT_FALSE(match(cond)) << cond;
    EXPECT_TRUE(match(std::string("not ") + cond)) << "not " << cond;
    EXPECT_TRUE(match(std::string("not (") + cond + ")")) << "not (" << cond << ")";
  }
}

TEST_F(FieldValuesTest, MissingThreadAndUser) {
  s.event.thread = nullptr;
  s.event.user = nullptr;
  EXPECT_FALSE(match("proc.name = cat"));
  EXPECT_FALSE(match("proc.name != cat"));
  EXPECT_TRUE(match("not proc.name in (cat)"));
  EXPECT_FALSE(match("user.name = root"));
  EXPECT_TRUE(match("not user.name exists"));
}

TEST_F(FieldValuesTest, AncestorNamesWithoutIndexMeanAnyAncestor) {
  // cat <- bash <- containerd-shim <- systemd; the process itself is not its own ancestor.
  EXPECT_TRUE(match("proc.aname = bash"));
  EXPECT_TRUE(match("proc.aname = systemd"));
  EXPECT_FALSE(match("proc.aname = cat"));
  EXPECT_TRUE(match("proc.aname startswith containerd"));
  EXPECT_TRUE(match("proc.aname glob 'sys*'"));
  EXPECT_TRUE(match("proc.aname != bash"));  // some ancestor is not bash
  EXPECT_TRUE(match("not proc.aname = sshd"));
  // `in` and `intersects` ask the same of an ancestor field: is any ancestor in the set.
  EXPECT_TRUE(match("proc.aname in (sshd, containerd-shim)"));
  EXPECT_TRUE(match("proc.aname intersects (sshd, containerd-shim)"));
  EXPECT_FALSE(match("proc.aname in (sshd, sudo)"));
  EXPECT_FALSE(match("proc.aname intersects (sshd)"));
  EXPECT_TRUE(match("proc.aname pmatch (systemd)"));
  EXPECT_TRUE(match("proc.apid = 900"));
  EXPECT_TRUE(match("proc.apid in (1, 2)"));
  EXPECT_FALSE(match("proc.apid in (2, 3)"));
  EXPECT_TRUE(match("proc.apid > 999"));
  EXPECT_FALSE(match("proc.apid > 1000"));
  EXPECT_TRUE(match("proc.aexepath endswith /systemd"));
  EXPECT_TRUE(match("proc.aname[0] = cat"));
  EXPECT_TRUE(match("proc.aname[1] = bash"));
  EXPECT_TRUE(match("proc.aname[3] = systemd"));
  EXPECT_FALSE(match("proc.aname[4] exists"));
  EXPECT_TRUE(match("not proc.aname[4] = x"));
  // Falco's stable rules write it this way (package_mgmt_ancestor_procs).
  h.list("package_mgmt_binaries", {"dpkg", "apt", "containerd-shim"});
  EXPECT_TRUE(match("proc.aname in (package_mgmt_binaries, needrestart)"));
  s.cat.parent = nullptr;
  EXPECT_FALSE(match("proc.aname = bash"));
  EXPECT_FALSE(match("proc.aname in (bash)"));
  EXPECT_TRUE(match("not proc.aname in (bash)"));
}

TEST_F(FieldValuesTest, FieldOnTheRight) {
  EXPECT_FALSE(match("proc.name = val(proc.pname)"));
  EXPECT_TRUE(match("proc.name != val(proc.pname)"));
  EXPECT_TRUE(match("proc.pname = val(proc.aname[1])"));
  EXPECT_TRUE(match("proc.cmdline startswith val(proc.name)"));
  EXPECT_TRUE(match("proc.exepath endswith val(proc.name)"));
  EXPECT_TRUE(match("fd.name contains val(proc.args)"));
  EXPECT_TRUE(match("proc.pid > val(proc.ppid)"));
  EXPECT_FALSE(match("proc.pid < val(proc.ppid)"));
  EXPECT_TRUE(match("proc.ppid = val(proc.apid[1])"));
  EXPECT_TRUE(match("proc.aname = val(proc.pname)"));  // any ancestor equals the parent name
  EXPECT_TRUE(match("proc.pname in val(proc.aname[1])"));
  EXPECT_TRUE(match("toupper(proc.name) = toupper(proc.name)"));
  EXPECT_TRUE(match("proc.name = tolower(proc.name)"));
  EXPECT_EQ(error("proc.name < val(proc.pname)"),
            "operator '<' compares numbers; both fields must be numeric");
  EXPECT_EQ(error("proc.name regex val(proc.pname)"), "operator 'regex' cannot compare two fields");
  EXPECT_EQ(error("proc.name pmatch val(proc.pname)"), "operator 'pmatch' cannot compare two fields");
  EXPECT_EQ(error("proc.name = val(proc.nope)"), "unknown field 'proc.nope', did you mean 'proc.name'?");
}

TEST_F(FieldValuesTest, Transformers) {
  EXPECT_TRUE(match("toupper(proc.name) = CAT"));
  EXPECT_TRUE(match("tolower(toupper(proc.name)) = cat"));
  EXPECT_TRUE(match("basename(fd.name) = shadow"));
  EXPECT_TRUE(match("basename(proc.exepath) in (cat, dog)"));
  EXPECT_TRUE(match("toupper(basename(fd.name)) = SHADOW"));
  EXPECT_TRUE(match("basename(proc.cwd) = ''"));  // "/root/" ends in a slash
  s.fd.name = "Shadow";
  EXPECT_TRUE(match("basename(fd.name) = Shadow"));
  EXPECT_TRUE(match("tolower(fd.name) = shadow"));
  EXPECT_TRUE(match("tolower(fd.name) icontains SHA"));
  // Numbers are rendered as text first, and the result compares as a string.
  EXPECT_TRUE(match("tolower(fd.num) = 3"));
  EXPECT_EQ(error("tolower(fd.num) < 4"),
            "operator '<' compares numbers, but 'tolower(fd.num)' is a string field");
  // Each ancestor is transformed on its own.
  EXPECT_TRUE(match("toupper(proc.aname) = BASH"));
}

TEST_F(FieldValuesTest, Base64) {
  s.cat.args = {"aGVsbG8gd29ybGQ="};  // "hello world"
  EXPECT_TRUE(match("b64(proc.args) = 'hello world'"));
  EXPECT_TRUE(match("b64(proc.args) startswith hello"));
  EXPECT_TRUE(match("toupper(b64(proc.args)) contains WORLD"));
  s.cat.args = {"aGk"};  // unpadded "hi"
  EXPECT_TRUE(match("b64(proc.args) = hi"));
  s.cat.args = {"not base64!"};
  EXPECT_FALSE(match("b64(proc.args) exists"));
  EXPECT_FALSE(match("b64(proc.args) != x"));
  EXPECT_TRUE(match("not b64(proc.args) = x"));
}

TEST_F(FieldValuesTest, EventTypeNames) {
  EXPECT_TRUE(match("evt.type = openat"));
  EXPECT_TRUE(match("evt.type=openat"));
  EXPECT_TRUE(match("evt.type in (open, openat, openat2)"));
  EXPECT_FALSE(match("evt.type in (execve)"));
  EXPECT_TRUE(match("evt.type != execve"));
  EXPECT_FALSE(match("evt.type != openat"));
  EXPECT_TRUE(match("not evt.type in (execve, execveat)"));
  EXPECT_TRUE(match("evt.type startswith open"));
  EXPECT_TRUE(match("evt.type contains pen"));
  EXPECT_EQ(error("evt.type = nosuchcall"), "unknown event type 'nosuchcall'");
  EXPECT_EQ(error("evt.type in (open, nosuchcall)"), "unknown event type 'nosuchcall'");
}

// k8s_audit list fields: `in` holds when every value is in the set, `intersects` when any is.
class AuditListFieldsTest : public ::testing::Test {
 protected:
  AuditListFieldsTest() {
    auto ev = make_audit_event(nlohmann::json::parse(R"json({
      "kind": "Event", "apiVersion": "audit.k8s.io/v1", "auditID": "a-1", "stage": "ResponseComplete",
      "verb": "create", "requestURI": "/api/v1/namespaces/shop/pods",
      "user": {"username": "alice", "groups": ["developers", "system:authenticated"]},
      "objectRef": {"resource": "pods", "namespace": "shop", "name": "web"},
      "requestObject": {"kind": "Pod", "spec": {"containers": [
        {"name": "a", "image": "nginx"}, {"name": "b", "image": "redis"}]}},
      "stageTimestamp": "2024-03-05T10:15:30.234567Z"})json"),
                               1);
    EXPECT_TRUE(ev.ok());
    if (ev.ok()) event = std::move(*ev);
  }
  bool match(std::string_view cond) { return h.matches(cond, event); }

  AuditSource source{"node-1"};
  ConditionHarness h{source};
  AuditEvent event;
};

TEST_F(AuditListFieldsTest, InIntersects) {
  EXPECT_TRUE(match("ka.req.pod.containers.image in (nginx, redis, mysql)"));
  EXPECT_FALSE(match("ka.req.pod.containers.image in (nginx)"));
  EXPECT_TRUE(match("ka.req.pod.containers.image intersects (nginx)"));
  EXPECT_FALSE(match("ka.req.pod.containers.image intersects (mysql)"));
  EXPECT_TRUE(match("not ka.req.pod.containers.image in (nginx)"));
  EXPECT_TRUE(match("ka.req.pod.containers.image[1] = redis"));
  EXPECT_TRUE(match("ka.user.groups intersects (developers)"));
  EXPECT_FALSE(match("ka.user.groups in (developers)"));
  EXPECT_TRUE(match("ka.user.groups in (developers, system:authenticated)"));
  EXPECT_TRUE(match("ka.verb = create and ka.target.resource = pods"));
  h.list("allowed_images", {"nginx", "redis"});
  EXPECT_TRUE(match("ka.req.pod.containers.image in (allowed_images)"));
  EXPECT_TRUE(match("ka.req.pod.containers.image in allowed_images"));
}

}  // namespace
}  // namespace peregrine::engine
