"""config/default: kustomize renders it, real kubectl (1.32 and the oldest and newest installed)
applies it to the API test server and re-applies it unchanged, the objects it makes are the least
each component needs, and the Dockerfile's runtime image installs the libraries the binary links."""
import os
import pathlib
import re
import subprocess

import pytest
import yaml

from kube_helpers import ROOT, Kubectl, versions_under_test

VERSIONS, FOUND = versions_under_test()
NS = "peregrine-system"
AGENT_CAPABILITIES = {"BPF", "PERFMON", "SYS_RESOURCE", "SYS_PTRACE", "DAC_READ_SEARCH"}


@pytest.fixture(scope="module")
def rendered():
    out = subprocess.run([FOUND["1.32"], "kustomize", str(ROOT / "config" / "default")], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def find(docs, kind, name):
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def rules_of(docs, kind, name):
    return find(docs, kind, name)["rules"]


def test_renders_every_component(rendered):
    kinds = {(d["kind"], d["metadata"]["name"]) for d in rendered}
    for expected in [("Namespace", NS), ("ServiceAccount", "peregrine-operator"), ("ServiceAccount", "peregrine-agent"),
                     ("ServiceAccount", "peregrine-audit-webhook"), ("Deployment", "peregrine-operator"),
                     ("DaemonSet", "peregrine-agent"), ("Deployment", "peregrine-audit-webhook"),
                     ("Service", "peregrine-audit-webhook"), ("Service", "peregrine-webhook"),
                     ("CustomResourceDefinition", "falcorules.peregrine.dev")]:
        assert expected in kinds, expected
    for d in rendered:
        if d["kind"] not in ("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"):
            assert d["metadata"]["namespace"] == NS, (d["kind"], d["metadata"]["name"])


def containers(workload):
    return workload["spec"]["template"]["spec"]["containers"]


def test_workloads_run_the_one_image_with_their_subcommand(rendered):
    operator = find(rendered, "Deployment", "peregrine-operator")
    assert operator["spec"]["replicas"] == 2
    c = containers(operator)[0]
    assert c["image"] == "peregrine:latest"
    assert c["args"][:3] == ["operator", "--namespace", NS] and "--leader-elect=true" in c["args"]
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"

    audit = find(rendered, "Deployment", "peregrine-audit-webhook")
    assert audit["spec"]["replicas"] == 2
    assert containers(audit)[0]["args"][0] == "audit-webhook"
    args = containers(audit)[0]["args"]
    assert "--cluster" in args and args[args.index("--namespace") + 1] == NS
    assert find(rendered, "Service", "peregrine-audit-webhook")["spec"]["ports"][0]["port"] == 9765

    agent = find(rendered, "DaemonSet", "peregrine-agent")
    c = containers(agent)[0]
    assert c["args"][:3] == ["agent", "--node-name", "$(NODE_NAME)"]
    env = {e["name"]: e for e in c["env"]}
    assert env["NODE_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "spec.nodeName"
    assert c["resources"]["requests"] and c["resources"]["limits"]


def test_agent_is_not_privileged_and_has_exactly_its_capabilities(rendered):
    pod = find(rendered, "DaemonSet", "peregrine-agent")["spec"]["template"]["spec"]
    assert pod["hostPID"] is True
    assert not pod.get("hostNetwork") and not pod.get("hostIPC")
    assert {"operator": "Exists"} in pod["tolerations"]
    sc = pod["containers"][0]["securityContext"]
    assert not sc.get("privileged")
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert set(sc["capabilities"]["add"]) == AGENT_CAPABILITIES
    assert len(sc["capabilities"]["add"]) == len(AGENT_CAPABILITIES)
    mounts = {m["mountPath"]: m for m in pod["containers"][0]["volumeMounts"]}
    for host_path in ["/sys/kernel/btf", "/sys/kernel/tracing", "/host/proc", "/host/etc/passwd",
                      "/host/etc/group"]:
        assert mounts[host_path]["readOnly"] is True, host_path
    # Nothing of the host is writable: the only writable volume is the emptyDir for bundles.
    volumes = {v["name"]: v for v in pod["volumes"]}
    for m in mounts.values():
        if not m.get("readOnly"):
            assert "emptyDir" in volumes[m["name"]], m
    assert "--host-root" in pod["containers"][0]["args"]


def test_other_workloads_run_as_non_root_without_capabilities(rendered):
    for name in ("peregrine-operator", "peregrine-audit-webhook"):
        pod = find(rendered, "Deployment", name)["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        sc = pod["containers"][0]["securityContext"]
        assert sc["capabilities"] == {"drop": ["ALL"]} and sc["allowPrivilegeEscalation"] is False


def grants(rules, group, resource):
    verbs = set()
    for r in rules:
        if (group in r["apiGroups"] or "*" in r["apiGroups"]) and (resource in r["resources"] or "*" in r["resources"]):
            verbs |= set(r["verbs"])
    return verbs


def test_roles_are_least_privilege(rendered):
    for d in rendered:
        if d["kind"] in ("ClusterRole", "Role"):
            for r in d["rules"]:
                for field in ("apiGroups", "resources", "verbs"):
                    assert "*" not in r[field], (d["kind"], d["metadata"]["name"], r)

    agent = rules_of(rendered, "ClusterRole", "peregrine-agent")
    assert grants(agent, "", "pods") == {"get", "list", "watch"}
    assert grants(agent, "", "secrets") == set() and grants(agent, "", "configmaps") == set()
    assert grants(agent, "peregrine.dev", "falcoalerts") == {"get", "create", "patch"}
    agent_ns = rules_of(rendered, "Role", "peregrine-agent")
    assert grants(agent_ns, "", "secrets") == {"get"}
    assert grants(agent_ns, "", "configmaps") == {"get", "list", "watch"}
    assert grants(agent_ns, "coordination.k8s.io", "leases") >= {"create", "update"}

    operator = rules_of(rendered, "ClusterRole", "peregrine-operator")
    assert grants(operator, "", "secrets") == set(), "the operator reads Secrets in its namespace only"
    assert grants(operator, "", "configmaps") == set()
    assert grants(operator, "peregrine.dev", "falcorules") == {"get", "list", "watch"}
    assert grants(operator, "peregrine.dev", "falcorules/status") >= {"update"}
    assert grants(operator, "", "nodes") == {"get", "list", "watch"}
    named = [r for r in operator if "validatingwebhookconfigurations" in r["resources"] and "update" in r["verbs"]]
    assert named and all(r.get("resourceNames") == ["peregrine-validating-webhook"] for r in named)

    audit = rules_of(rendered, "ClusterRole", "peregrine-audit-webhook")
    assert [r["resources"] for r in audit] == [["falcoalerts"]]
    audit_ns = rules_of(rendered, "Role", "peregrine-audit-webhook")
    assert grants(audit_ns, "", "configmaps") == {"get", "list", "watch"}
    assert grants(audit_ns, "", "secrets") == {"get"}
    assert grants(audit_ns, "coordination.k8s.io", "leases") == {"create", "list", "delete"}

    bindings = {(d["kind"], d["metadata"]["name"]): d for d in rendered if d["kind"].endswith("Binding")}
    for (kind, name), b in bindings.items():
        assert b["subjects"] == [{"kind": "ServiceAccount", "name": name, "namespace": NS}], (kind, name)
        assert b["roleRef"]["name"] == name


@pytest.fixture(params=VERSIONS)
def kubectl(request, apiserver, tmp_path):
    return Kubectl(FOUND[request.param], apiserver.write_kubeconfig(tmp_path / "kubeconfig"), tmp_path)


def test_apply_creates_everything_and_reapply_is_unchanged(kubectl, rendered):
    first = kubectl("apply", "-k", ROOT / "config" / "default")
    lines = first.stdout.splitlines()
    assert len(lines) == len(rendered), first.stdout
    assert all(line.endswith(" created") for line in lines), first.stdout

    got = kubectl("get", "ds,deploy,sa", "-n", NS, "-o", "name").stdout.split()
    for name in ["daemonset.apps/peregrine-agent", "deployment.apps/peregrine-operator",
                 "deployment.apps/peregrine-audit-webhook", "serviceaccount/peregrine-agent",
                 "serviceaccount/peregrine-operator", "serviceaccount/peregrine-audit-webhook"]:
        assert name in got, got
    assert "clusterrole.rbac.authorization.k8s.io/peregrine-agent" in \
        kubectl("get", "clusterroles", "-o", "name").stdout.split()

    again = kubectl("apply", "-k", ROOT / "config" / "default")
    assert all(line.endswith(" unchanged") for line in again.stdout.splitlines()), again.stdout


def runtime_packages():
    """The packages the Dockerfile's last stage installs with apt-get."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    last_stage = re.split(r"^FROM ", text, flags=re.M)[-1]
    packages = set()
    for m in re.finditer(r"apt-get install ([^&\n]*)", last_stage):
        packages |= {w for w in m.group(1).split() if not w.startswith("-")}
    return packages


def owner_package(path):
    for candidate in (path, os.path.realpath(path), "/usr" + path):
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.split(":")[0]
    return None


def test_dockerfile_runtime_stage_installs_the_linked_libraries():
    binary = os.environ.get("PEREGRINE_BIN", str(ROOT / "build" / "release" / "cmd" / "peregrine"))
    if not os.access(binary, os.X_OK):
        pytest.skip(f"no built binary at {binary}")
    if "Debian GNU/Linux 12" not in pathlib.Path("/etc/os-release").read_text():
        pytest.skip("the package names are Debian 12's; this machine is not Debian 12")
    needed = re.findall(r"Shared library: \[(.+?)\]",
                        subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout)
    ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    paths = dict(re.findall(r"^\s*(\S+) => (\S+)", ldd, flags=re.M))
    installed = runtime_packages()
    missing = {}
    for lib in needed:
        package = owner_package(paths[lib])
        assert package, f"no Debian package owns {paths[lib]}"
        if package not in installed:
            missing[lib] = package
    assert not missing, f"the Dockerfile's runtime stage lacks {missing}"


def audit_level(policy, group, resource, verb, subresource=""):
    """The level the Policy gives a request: its first matching rule's, as kube-apiserver decides."""
    full = f"{resource}/{subresource}" if subresource else resource
    for rule in policy["rules"]:
        if "verbs" in rule and verb not in rule["verbs"]:
            continue
        if "nonResourceURLs" in rule:
            continue
        if "resources" in rule:
            if not any(r.get("group", "") == group and (full in r.get("resources", [full]) or
                                                       f"{resource}/*" in r.get("resources", []))
                       for r in rule["resources"]):
                continue
        return rule["level"]
    return "None"


def test_audit_policy_never_logs_secret_bodies_and_gives_the_rules_their_data():
    policy = yaml.safe_load((ROOT / "config" / "audit" / "audit-policy.yaml").read_text())
    assert policy["apiVersion"] == "audit.k8s.io/v1" and policy["kind"] == "Policy"
    for verb in ("get", "list", "watch", "create", "update", "patch", "delete"):
        assert audit_level(policy, "", "secrets", verb) == "Metadata", verb
    assert audit_level(policy, "", "serviceaccounts", "create", "token") == "Metadata"
    assert audit_level(policy, "authentication.k8s.io", "tokenreviews", "create") == "Metadata"
    assert audit_level(policy, "", "configmaps", "create") == "Request"
    assert audit_level(policy, "", "pods", "create") == "RequestResponse"
    assert audit_level(policy, "", "pods", "create", "exec") == "Metadata"
    assert audit_level(policy, "", "pods", "patch", "ephemeralcontainers") == "RequestResponse"
    for resource in ("roles", "clusterroles", "rolebindings", "clusterrolebindings"):
        assert audit_level(policy, "rbac.authorization.k8s.io", resource, "create") == "RequestResponse"
    assert audit_level(policy, "admissionregistration.k8s.io", "validatingwebhookconfigurations",
                       "delete") == "RequestResponse"
    assert audit_level(policy, "", "events", "delete") == "Metadata"
    assert audit_level(policy, "", "pods", "list") == "None"
    assert audit_level(policy, "apps", "deployments", "create") == "Metadata"


def test_audit_webhook_kubeconfig_template_names_a_client_certificate():
    config = yaml.safe_load((ROOT / "config" / "audit" / "audit-webhook-kubeconfig.yaml").read_text())
    cluster = config["clusters"][0]["cluster"]
    assert cluster["server"].startswith("https://") and cluster["server"].endswith(":9765/k8s-audit")
    assert cluster["certificate-authority"]
    user = config["users"][0]["user"]
    assert user["client-certificate"] and user["client-key"]
