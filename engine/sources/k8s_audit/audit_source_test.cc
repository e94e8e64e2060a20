#include "engine/sources/k8s_audit/audit_source.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/sources/k8s_audit/audit_test_events.h"

namespace peregrine::engine {
namespace {

using Strings = std::vector<std::string>;

class AuditSourceTest : public ::testing::Test {
 protected:
  static AuditEvent load(const char* json) {
    auto r = parse_audit_payload(json);
    EXPECT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->size(), 1u);
    return std::move((*r)[0]);
  }

  // Extracts `name[arg]`; nullopt when the field has no value.
  bool run(const AuditEvent& ev, std::string_view name, std::optional<std::string_view> arg) {
    auto ref = source_.fields().resolve(name, arg);
    EXPECT_TRUE(ref.ok()) << ref.error().message;
    if (!ref.ok()) return false;
    out_.reset();
    bool ok = source_.extract(ev, *ref, out_);
    EXPECT_EQ(ok, out_.present()) << name;
    return ok;
  }

  // A single value, as text.
  std::optional<std::string> one(const AuditEvent& ev, std::string_view name,
                                 std::optional<std::string_view> arg = std::nullopt) {
    if (!run(ev, name, arg)) return std::nullopt;
    EXPECT_NE(out_.kind(), Extraction::Kind::kList) << name << " should be single-valued";
    return out_.to_string();
  }

  // A multi-valued result.
  std::optional<Strings> many(const AuditEvent& ev, std::string_view name,
                              std::optional<std::string_view> arg = std::nullopt) {
    if (!run(ev, name, arg)) return std::nullopt;
    EXPECT_EQ(out_.kind(), Extraction::Kind::kList) << name << " should be multi-valued";
    return Strings(out_.list().begin(), out_.list().end());
  }

  AuditSource source_{"node-1"};
  Extraction out_;
};

TEST_F(AuditSourceTest, Identity) {
  EXPECT_EQ(source_.name(), "k8s_audit");
  EXPECT_EQ(source_.event_types(), nullptr);
}

TEST_F(AuditSourceTest, PodCreateRequestFields) {
  AuditEvent ev = load(audit_test::kPodCreate);
  EXPECT_EQ(one(ev, "ka.verb"), "create");
  EXPECT_EQ(one(ev, "ka.stage"), "ResponseComplete");
  EXPECT_EQ(one(ev, "ka.auditid"), "6f1d6a0e-3c1b-4f8e-9a47-0d3f5a1c2b10");
  EXPECT_EQ(one(ev, "ka.user.name"), "alice@example.com");
  EXPECT_EQ(many(ev, "ka.user.groups"), (Strings{"developers", "system:authenticated"}));
  EXPECT_EQ(one(ev, "ka.impuser.name"), std::nullopt);
  EXPECT_EQ(one(ev, "ka.target.resource"), "pods");
  EXPECT_EQ(one(ev, "ka.target.namespace"), "shop");
  EXPECT_EQ(one(ev, "ka.target.name"), "web");
  EXPECT_EQ(one(ev, "ka.target.subresource"), std::nullopt);
  EXPECT_EQ(one(ev, "ka.target.pod.name"), "web");
  EXPECT_EQ(one(ev, "ka.response.code"), "201");
  EXPECT_EQ(one(ev, "ka.resp.name"), "web");
  EXPECT_EQ(one(ev, "ka.auth.decision"), "allow");
  EXPECT_EQ(one(ev, "ka.auth.reason"),
            "RBAC: allowed by RoleBinding \"dev-edit/shop\" of ClusterRole \"edit\" to Group "
            "\"developers\"");
  EXPECT_NE(one(ev, "ka.security.pod.violations")->find("hostNetwork=true"), std::string::npos);
  EXPECT_EQ(one(ev, "ka.auth.openshift.decision"), std::nullopt);
  EXPECT_EQ(many(ev, "ka.sourceips"), (Strings{"203.0.113.7", "10.0.0.5"}));
  EXPECT_EQ(one(ev, "ka.sourceips", "1"), "10.0.0.5");
  EXPECT_EQ(one(ev, "ka.sourceips", "2"), std::nullopt);
  EXPECT_EQ(one(ev, "ka.useragent"), "kubectl/v1.29.2 (linux/amd64) kubernetes/4b8e819");
  EXPECT_EQ(one(ev, "ka.uri.param", "fieldValidation"), "Strict");
  EXPECT_EQ(one(ev, "ka.uri.param", "dryRun"), std::nullopt);
}

TEST_F(AuditSourceTest, PodCreateContainers) {
  AuditEvent ev = load(audit_test::kPodCreate);
  EXPECT_EQ(many(ev, "ka.req.pod.containers.name"), (Strings{"nginx", "debugger"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.image"),
            (Strings{"docker.io/library/nginx:1.25.3",
                     "registry.example.com:5000/tools/debug@sha256:0123456789abcdef"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.image.repository"),
            (Strings{"docker.io/library/nginx", "registry.example.com:5000/tools/debug"}));
  EXPECT_EQ(one(ev, "ka.req.pod.containers.image", "1"),
            "registry.example.com:5000/tools/debug@sha256:0123456789abcdef");
  EXPECT_EQ(one(ev, "ka.req.pod.containers.image", "2"), std::nullopt);
  // Only the container that sets the flag contributes.
  EXPECT_EQ(many(ev, "ka.req.pod.containers.privileged"), (Strings{"true"}));
  EXPECT_EQ(one(ev, "ka.req.pod.containers.privileged", "1"), "true");
  EXPECT_EQ(one(ev, "ka.req.pod.containers.privileged", "0"), std::nullopt);
  EXPECT_EQ(one(ev, "ka.req.container.privileged"), "true");
  EXPECT_EQ(many(ev, "ka.req.pod.containers.allow_privilege_escalation"), (Strings{"false"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.read_only_fs"), (Strings{"true"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.run_as_user"), (Strings{"101"}));
  // Container value, else the pod's (1000); groups fall back to 0.
  EXPECT_EQ(many(ev, "ka.req.pod.containers.eff_run_as_user"), (Strings{"101", "1000"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.eff_run_as_group"), (Strings{"0", "0"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.run_as_group"), (Strings{"0"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.add_capabilities"),
            (Strings{"NET_ADMIN", "SYS_TIME"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.add_capabilities", "0"), std::nullopt);
  EXPECT_EQ(many(ev, "ka.req.pod.containers.host_port"), (Strings{"8080", "19000"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.host_port", "1"), (Strings{"19000"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.command"), (Strings{"/bin/sh"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.args"), (Strings{"-c", "sleep infinity"}));
  EXPECT_EQ(many(ev, "ka.req.pod.containers.proc_mount"), std::nullopt);
  EXPECT_EQ(one(ev, "ka.req.container.image"), "docker.io/library/nginx:1.25.3");
  EXPECT_EQ(one(ev, "ka.req.container.image.repository"), "docker.io/library/nginx");
}

TEST_F(AuditSourceTest, PodCreateInitAndEphemeralContainersAreSeparate) {
  AuditEvent ev = load(audit_test::kPodCreate);
  EXPECT_EQ(many(ev, "ka.req.pod.initContainers.name"), (Strings{"init-perms"}));
  EXPECT_EQ(many(ev, "ka.req.pod.initContainers.image.repository"), (Strings{"busybox"}));
  EXPECT_EQ(many(ev, "ka.req.pod.initContainers.command"),
            (Strings{"sh", "-c", "chown -R 1000 /data"}));
  EXPECT_EQ(many(ev, "ka.req.pod.initContainers.eff_run_as_user"), (Strings{"0"}));
  EXPECT_EQ(many(ev, "ka.req.pod.initContainers.privileged"), std::nullopt);
  EXPECT_EQ(many(ev, "ka.req.pod.ephemeralContainers.image"), std::nullopt);
}

TEST_F(AuditSourceTest, PodCreatePodLevelFields) {
  AuditEvent ev = load(audit_test::kPodCreate);
  EXPECT_EQ(one(ev, "ka.req.pod.host_network"), "true");
  EXPECT_EQ(one(ev, "ka.req.container.host_network"), "true");
  EXPECT_EQ(one(ev, "ka.req.pod.host_pid"), "false");
  EXPECT_EQ(one(ev, "ka.req.pod.host_ipc"), "false");
  EXPECT_EQ(one(ev, "ka.req.pod.run_as_user"), "1000");
  EXPECT_EQ(one(ev, "ka.req.pod.run_as_group"), std::nullopt);
  EXPECT_EQ(one(ev, "ka.req.pod.fs_group"), "2000");
  EXPECT_EQ(many(ev, "ka.req.pod.supplemental_groups"), (Strings{"3000", "4000"}));
  EXPECT_EQ(many(ev, "ka.req.pod.volumes.hostpath"), (Strings{"/var/run/docker.sock"}));
  EXPECT_EQ(one(ev, "ka.req.pod.volumes.hostpath", "0"), "/var/run/docker.sock");
  EXPECT_EQ(one(ev, "ka.req.pod.volumes.hostpath", "1"), std::nullopt);
  EXPECT_EQ(many(ev, "ka.req.pod.volumes.flexvolume_driver"), (Strings{"example.com/lvm"}));
  EXPECT_EQ(many(ev, "ka.req.pod.volumes.volume_type"),
            (Strings{"hostPath", "configMap", "flexVolume"}));
  EXPECT_EQ(one(ev, "ka.req.pod.volumes.volume_type", "1"), "configMap");
  EXPECT_EQ(one(ev, "ka.req.volume.hostpath", "/var/run/docker.sock"), "true");
  EXPECT_EQ(one(ev, "ka.req.volume.hostpath", "/var/run/*"), "true");
  EXPECT_EQ(one(ev, "ka.req.volume.hostpath", "/var/run"), "false");
  EXPECT_EQ(one(ev, "ka.req.volume.hostpath", "/etc*"), "false");
}

TEST_F(AuditSourceTest, ClusterAdminBinding) {
  AuditEvent ev = load(audit_test::kClusterAdminBinding);
  EXPECT_EQ(one(ev, "ka.target.resource"), "clusterrolebindings");
  EXPECT_EQ(one(ev, "ka.req.binding.role"), "cluster-admin");
  auto subjects = many(ev, "ka.req.binding.subjects");
  ASSERT_TRUE(subjects);
  ASSERT_EQ(subjects->size(), 3u);
  EXPECT_EQ((*subjects)[2], R"({"kind":"ServiceAccount","name":"deployer","namespace":"ci"})");
  EXPECT_EQ(many(ev, "ka.req.binding.subjects.user_names"), (Strings{"mallory"}));
  EXPECT_EQ(many(ev, "ka.req.binding.subjects.group_names"), (Strings{"contractors"}));
  EXPECT_EQ(many(ev, "ka.req.binding.subjects.serviceaccount_names"), (Strings{"deployer"}));
  EXPECT_EQ(many(ev, "ka.req.binding.subjects.serviceaccount_ns_names"), (Strings{"ci:deployer"}));
  EXPECT_EQ(one(ev, "ka.req.binding.subject.has_name", "mallory"), "true");
  EXPECT_EQ(one(ev, "ka.req.binding.subject.has_name", "nobody"), "false");
  EXPECT_EQ(one(ev, "ka.target.pod.name"), std::nullopt);
  // Pod-spec fields have nothing to say about a binding.
  EXPECT_EQ(one(ev, "ka.req.pod.host_network"), std::nullopt);
  EXPECT_EQ(one(ev, "ka.req.container.privileged"), std::nullopt);
  EXPECT_EQ(many(ev, "ka.req.pod.containers.image"), std::nullopt);
}

TEST_F(AuditSourceTest, ExecIntoPod) {
  AuditEvent ev = load(audit_test::kPodExec);
  EXPECT_EQ(one(ev, "ka.target.subresource"), "exec");
  EXPECT_EQ(one(ev, "ka.target.pod.name"), "web-0");
  // Repeated parameter: the first value, percent-decoded.
  EXPECT_EQ(one(ev, "ka.uri.param", "command"), "/bin/sh");
  EXPECT_EQ(one(ev, "ka.uri.param", "container"), "web");
  EXPECT_EQ(one(ev, "ka.response.code"), "101");
  EXPECT_EQ(one(ev, "ka.stage"), "ResponseStarted");
  EXPECT_EQ(one(ev, "jevt.value", "/objectRef/subresource"), "exec");
  EXPECT_EQ(one(ev, "jevt.value", "/sourceIPs/0"), "192.0.2.44");
  EXPECT_EQ(one(ev, "jevt.value", "/responseStatus"), R"({"code":101,"metadata":{}})");
  EXPECT_EQ(one(ev, "jevt.value", "/annotations/authorization.k8s.io~1decision"), "allow");
  EXPECT_EQ(one(ev, "jevt.value", "/nope"), std::nullopt);
  EXPECT_EQ(one(ev, "jevt.value", "objectRef"), std::nullopt);  // not a pointer
}

TEST_F(AuditSourceTest, SecretGetByUser) {
  AuditEvent ev = load(audit_test::kSecretGet);
  EXPECT_EQ(one(ev, "ka.user.name"), "carol@example.com");
  EXPECT_EQ(one(ev, "ka.impuser.name"), "system:serviceaccount:payments:api");
  EXPECT_EQ(one(ev, "ka.target.resource"), "secrets");
  EXPECT_EQ(one(ev, "ka.target.name"), "db-password");
  EXPECT_EQ(one(ev, "ka.auth.decision"), "forbid");
  EXPECT_EQ(one(ev, "ka.auth.reason"), "");  // present but empty is a value
  EXPECT_EQ(one(ev, "ka.response.code"), "403");
  EXPECT_EQ(one(ev, "ka.response.reason"), "Forbidden");
  EXPECT_EQ(one(ev, "ka.resp.name"), std::nullopt);
  EXPECT_EQ(one(ev, "ka.req.configmap.obj"), std::nullopt);
  EXPECT_EQ(one(ev, "ka.uri.param", "command"), std::nullopt);
}

TEST_F(AuditSourceTest, ConfigMapWithAwsKeys) {
  AuditEvent ev = load(audit_test::kConfigMapAws);
  EXPECT_EQ(one(ev, "ka.req.configmap.name"), "app-settings");
  auto obj = one(ev, "ka.req.configmap.obj");
  ASSERT_TRUE(obj);
  EXPECT_NE(obj->find("aws_access_key_id"), std::string::npos);
  EXPECT_NE(obj->find("aws_secret_access_key"), std::string::npos);
  EXPECT_EQ(obj->front(), '{');
}

TEST_F(AuditSourceTest, RoleRules) {
  AuditEvent ev = load(audit_test::kClusterRoleCreate);
  auto rules = many(ev, "ka.req.role.rules");
  ASSERT_TRUE(rules);
  EXPECT_EQ(rules->size(), 2u);
  EXPECT_EQ(many(ev, "ka.req.role.rules.verbs"), (Strings{"get", "list", "*", "get"}));
  EXPECT_EQ(many(ev, "ka.req.role.rules.verbs", "1"), (Strings{"get"}));
  EXPECT_EQ(many(ev, "ka.req.role.rules.resources"), (Strings{"pods", "secrets"}));
  EXPECT_EQ(many(ev, "ka.req.role.rules.resources", "1"), std::nullopt);
  EXPECT_EQ(many(ev, "ka.req.role.rules.apiGroups"), (Strings{"", "apps"}));
  EXPECT_EQ(many(ev, "ka.req.role.rules.nonResourceURLs"), (Strings{"/metrics", "/healthz"}));
  EXPECT_EQ(many(ev, "ka.req.role.rules.verbs", "5"), std::nullopt);
}

TEST_F(AuditSourceTest, Service) {
  AuditEvent ev = load(audit_test::kServiceCreate);
  EXPECT_EQ(one(ev, "ka.req.service.type"), "NodePort");
  const char* port = R"({"nodePort":30080,"port":80,"targetPort":8080})";
  EXPECT_EQ(many(ev, "ka.req.service.ports"), (Strings{port}));
  EXPECT_EQ(one(ev, "ka.req.service.ports", "0"), port);
  // A Service spec is not a pod spec.
  EXPECT_EQ(one(ev, "ka.req.pod.host_network"), std::nullopt);
}

TEST_F(AuditSourceTest, TimeAndGenericFields) {
  AuditEvent ev = load(audit_test::kPodExec);
  ev.num = 42;
  EXPECT_EQ(one(ev, "jevt.rawtime"), "1709641845612345000");
  EXPECT_EQ(one(ev, "jevt.time"), "12:30:45.612345000");
  EXPECT_EQ(one(ev, "jevt.time.iso8601"), "2024-03-05T12:30:45.612345000Z");
  EXPECT_EQ(one(ev, "evt.time.iso8601"), "2024-03-05T12:30:45.612345000Z");
  EXPECT_EQ(one(ev, "evt.source"), "k8s_audit");
  EXPECT_EQ(one(ev, "evt.hostname"), "node-1");
  EXPECT_EQ(one(ev, "evt.num"), "42");
  auto obj = one(ev, "jevt.obj");
  ASSERT_TRUE(obj);
  // Exactly the text nlohmann's DOM wrote before (sorted keys), not merely the same JSON.
  EXPECT_EQ(*obj, nlohmann::json::parse(audit_test::kPodExec).dump());
  EXPECT_EQ(obj->find('\n'), std::string::npos);
}

TEST_F(AuditSourceTest, ClusterName) {
  AuditEvent ev = load(audit_test::kPodExec);
  EXPECT_EQ(one(ev, "ka.cluster.name"), std::nullopt);
  AuditSource configured("node-1", "prod-eu");
  auto ref = configured.fields().resolve("ka.cluster.name", std::nullopt);
  ASSERT_TRUE(ref.ok());
  Extraction out;
  ASSERT_TRUE(configured.extract(ev, *ref, out));
  EXPECT_EQ(out.str(), "prod-eu");
  // The event's own annotation (GKE's converted logs carry one) wins.
  auto doc = nlohmann::json::parse(audit_test::kPodExec);
  doc["annotations"]["cluster_name"] = "gke-prod";
  auto annotated = make_audit_event(doc, 1);
  ASSERT_TRUE(annotated.ok()) << annotated.error().message;
  ev = std::move(*annotated);
  out.reset();
  ASSERT_TRUE(configured.extract(ev, *ref, out));
  EXPECT_EQ(out.str(), "gke-prod");
}

TEST_F(AuditSourceTest, OtherAnnotations) {
  AuditEvent ev = load(R"({"auditID":"a","annotations":{
      "authentication.openshift.io/decision":"allow",
      "authentication.openshift.io/username":"kube:admin",
      "validation.policy.admission.k8s.io/validation_failure":"[{\"message\":\"no\"}]"}})");
  EXPECT_EQ(one(ev, "ka.auth.openshift.decision"), "allow");
  EXPECT_EQ(one(ev, "ka.auth.openshift.username"), "kube:admin");
  EXPECT_EQ(one(ev, "ka.validations.admission.policy.failure"), R"([{"message":"no"}])");
}

// Every field on events of unexpected shapes: values of the wrong JSON type, nulls, empty
// objects. Nothing may throw or crash; extract() and present() must agree.
TEST_F(AuditSourceTest, EveryFieldSurvivesOddEvents) {
  const char* odd[] = {
      R"({"auditID":"a"})",
      (R"({"auditID":"a","user":"x","objectRef":[],"sourceIPs":"1.2.3.4","requestURI":7,)"
      R"("requestObject":{"spec":{"containers":"x","volumes":{},"securityContext":7},)"
      R"("subjects":[1,null,{"kind":3}],"rules":[null,{"verbs":"get"}]}})"),
      (R"({"auditID":"a","requestURI":"/x?a=%zz&=&b&&c=%41","annotations":null,)"
      R"("requestObject":{"kind":"Pod","metadata":{"name":null},"spec":{)"
      R"("containers":[null,3,{"securityContext":null,"ports":[{"hostPort":null}],"image":5}],)"
      R"("volumes":[null,{"name":"only"},{"hostPath":{"path":4}}]}}})"),
      (R"({"auditID":"a","user":{"username":null,"groups":[null,"g",{"k":1},2.5,true]},)"
      R"("responseStatus":{"code":1e300}})"),
  };
  for (const char* json : odd) {
    AuditEvent ev = load(json);
    for (const FieldInfo& f : source_.fields().fields()) {
      SCOPED_TRACE(f.name + " on " + json);
      std::optional<std::string_view> arg;
      if (f.arg_is_index) {
        for (const char* i : {"0", "1", "2", "99"}) run(ev, f.name, i);
      }
      if (f.arg == ArgMode::kRequired) arg = f.name == "jevt.value" ? "/requestObject/spec" : "a";
      if (f.arg != ArgMode::kRequired || arg) run(ev, f.name, arg);
      run(ev, f.name, f.arg == ArgMode::kRequired ? std::optional<std::string_view>("") : arg);
    }
  }
  AuditEvent ev = load(odd[1]);
  EXPECT_EQ(many(ev, "ka.user.groups"), std::nullopt);
  EXPECT_EQ(many(ev, "ka.sourceips"), (Strings{"1.2.3.4"}));
  EXPECT_EQ(many(ev, "ka.req.role.rules.verbs"), (Strings{"get"}));
  AuditEvent ev2 = load(odd[2]);
  EXPECT_EQ(one(ev2, "ka.uri.param", "a"), std::nullopt);
  EXPECT_EQ(one(ev2, "ka.uri.param", "b"), "");
  EXPECT_EQ(one(ev2, "ka.uri.param", "c"), "A");
  EXPECT_EQ(many(ev2, "ka.req.pod.volumes.volume_type"), (Strings{"hostPath"}));
  EXPECT_EQ(many(ev2, "ka.req.pod.volumes.hostpath"), (Strings{"4"}));
  AuditEvent ev3 = load(odd[3]);
  EXPECT_EQ(many(ev3, "ka.user.groups"), (Strings{"g", R"({"k":1})", "2.5", "true"}));
  EXPECT_EQ(one(ev3, "ka.user.name"), std::nullopt);
}

}  // namespace
}  // namespace peregrine::engine
