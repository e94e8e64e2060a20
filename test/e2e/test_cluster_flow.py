"""The whole cluster path, as a cluster admin meets it: real kubectl against the API test server,
`peregrine operator` with its admission webhook, and `peregrine agent` (eBPF, this host) as node
`node-1`.

CRDs and config/samples go in with kubectl; `cat /etc/shadow` shows up in `kubectl get
falcoalerts`; a shell in a simulated pod container alerts with its pod and namespace; a changed
FalcoRule runs on the agent within about a second and `Applied` says so; a broken FalcoRule is
refused by `kubectl apply` with its line and column, and with the webhook off it gets
Accepted=False while the agent keeps the last good rules; a deleted FalcoRule's rules are gone."""
import json
import pathlib
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "fixtures" / "agent"))
from agent_harness import Agent, fields, require_root  # noqa: E402
from kube_helpers import start_cluster, versions_under_test  # noqa: E402
from simulated_pod import SimulatedContainer  # noqa: E402
from test_operator import Operator, free_port, get_json, wait_for  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
NS = "peregrine-system"
NODE = "node-1"
SAMPLE_RULE = "Sample read of sensitive file"
_, FOUND = versions_under_test()

NODE_OBJECT = f"""apiVersion: v1
kind: Node
metadata:
  name: {NODE}
  labels: {{kubernetes.io/os: linux, kubernetes.io/hostname: {NODE}}}
"""

# The agent's alerts on stdout (so the test reads them) and as FalcoAlerts.
OUTPUTS = f"""apiVersion: peregrine.dev/v1alpha1
kind: FalcoOutput
metadata: {{name: console, namespace: {NS}}}
spec: {{type: stdout, format: json}}
---
apiVersion: peregrine.dev/v1alpha1
kind: FalcoOutput
metadata: {{name: cluster-alerts, namespace: {NS}}}
spec: {{type: falcoalert, minimumPriority: notice}}
"""


def falco_rule(name, rule_name, file, order=20, extra=""):
    """A FalcoRule whose one rule fires on reads of `file`."""
    return f"""apiVersion: peregrine.dev/v1alpha1
kind: FalcoRule
metadata: {{name: {name}, namespace: {NS}}}
spec:
  order: {order}
  rules: |
    - rule: {rule_name}
      desc: reads of {file}
      condition: evt.type in (open, openat, openat2) and evt.is_open_read = true and fd.name = {file}{extra}
      output: "{rule_name} (command=%proc.cmdline pod=%k8s.pod.name ns=%k8s.ns.name)"
      priority: WARNING
"""


# Line 3, column 19 of spec.rules: the second `=` of `= =`.
BROKEN = f"""apiVersion: peregrine.dev/v1alpha1
kind: FalcoRule
metadata: {{name: hostname-read, namespace: {NS}}}
spec:
  order: 20
  rules: |
    - rule: Hostname read
      desc: broken on purpose
      condition: evt.type = = openat
      output: x
      priority: WARNING
"""


class Api:
    """The few raw calls kubectl is not the right tool for (the Pod with a status)."""

    def __init__(self, url):
        self.url = url

    def create(self, path, obj):
        req = urllib.request.Request(self.url + path, method="POST", data=json.dumps(obj).encode(),
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            assert resp.status in (200, 201)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    require_root()
    assert FOUND, "no kubectl found"
    work = tmp_path_factory.mktemp("flow")
    server, kubeconfig, kubectl = start_cluster(work, FOUND, (NS, "team-a"))
    kubectl("apply", "-f", "-", stdin=NODE_OBJECT)
    kubectl("apply", "-n", NS, "-k", ROOT / "config" / "samples")
    kubectl("apply", "-f", "-", stdin=OUTPUTS)

    webhook_port = free_port()
    operator = Operator(kubeconfig, work, "--webhook-addr", f"127.0.0.1:{webhook_port}",
                        "--webhook-url", f"https://127.0.0.1:{webhook_port}")
    wait_for("the operator's webhook configuration",
             lambda: get_json(kubectl, "validatingwebhookconfiguration", "peregrine-validating-webhook"), 30)

    config = work / "agent.yaml"
    config.write_text(f"bundle_dir: {work / 'bundles'}\nsecrets_dir: {work / 'secrets'}\n")
    agent = Agent([], extra_args=["--node-name", NODE, "--kubeconfig", str(kubeconfig), "--namespace", NS,
                                  "--config", str(config)])
    containers = []
    yield {"kubectl": kubectl, "api": Api(server.url), "agent": agent, "operator": operator,
           "containers": containers}
    rc = agent.stop()
    print("\nagent log:\n" + agent.stderr())
    operator.stop()
    print("\noperator log:\n" + operator.output())
    for c in containers:
        c.remove()
    server.stop()
    assert rc == 0, agent.stderr()


def read_until(agent, rule, file, timeout, run=None):
    """Reads `file` (with a marker in the command line) until `rule` alerts for that read."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        marker = uuid.uuid4().hex[:8]
        command = f"cat {file} /nonexistent/{marker} > /dev/null 2>&1; exit 0\n"
        if run:
            run(command)
        else:
            subprocess.run(["sh", "-c", command], timeout=10)
        a = agent.wait_for(lambda a: a["rule"] == rule and marker in (fields(a).get("proc.cmdline") or ""), 0.3)
        if a:
            return a
    return None


def condition(kubectl, name, type_):
    fr = get_json(kubectl, "-n", NS, "falcorule", name) or {}
    for c in fr.get("status", {}).get("conditions", []):
        if c["type"] == type_:
            return c
    return None


def running_bundle(kubectl):
    lease = get_json(kubectl, "-n", NS, "lease", f"peregrine-agent-{NODE}") or {}
    return lease.get("metadata", {}).get("annotations", {}).get("peregrine.dev/bundle")


def assigned_bundle(kubectl):
    cm = get_json(kubectl, "-n", NS, "configmap", "peregrine-assignments") or {}
    name = cm.get("data", {}).get(NODE, "")
    return name[len("peregrine-bundle-"):] if name else None


def test_shadow_read_is_listed_by_kubectl_get_falcoalerts(world):
    kubectl, agent = world["kubectl"], world["agent"]
    assert read_until(agent, SAMPLE_RULE, "/etc/shadow", 30), agent.stderr()

    def listed():
        out = kubectl("get", "falcoalerts", "-A", check=False).stdout
        return out if SAMPLE_RULE in out else None

    table = wait_for("the FalcoAlert", listed, 20)
    header = table.splitlines()[0].split()
    for column in ("RULE", "PRIORITY", "POD", "NODE", "COUNT"):
        assert column in header, table
    row = next(line for line in table.splitlines() if SAMPLE_RULE in line)
    assert NODE in row and "Warning" in row, table


def test_a_shell_in_a_pod_container_alerts_with_its_pod(world):
    agent = world["agent"]
    web = SimulatedContainer(world["api"], "team-a", "web-1", NODE)
    world["containers"].append(web)
    deadline = time.time() + 20
    a = None
    while time.time() < deadline and not a:
        a = read_until(agent, SAMPLE_RULE, "/etc/shadow", 1, run=web.run)
        if a and fields(a).get("k8s.pod.name") in (None, "", "<NA>"):
            a = None  # the pod reached the agent a moment after the container's first events
    assert a, agent.stderr()
    assert fields(a)["k8s.pod.name"] == "web-1"
    assert fields(a)["k8s.ns.name"] == "team-a"


def test_a_changed_falcorule_runs_within_a_second_and_is_applied(world):
    kubectl, agent = world["kubectl"], world["agent"]
    kubectl("apply", "-f", "-", stdin=falco_rule("hostname-read", "Hostname read v1", "/etc/hostname"))
    assert read_until(agent, "Hostname read v1", "/etc/hostname", 20), agent.stderr()
    wait_for("Applied=True", lambda: (condition(kubectl, "hostname-read", "Applied") or {}).get("status") == "True", 20)

    started = time.time()
    kubectl("apply", "-f", "-", stdin=falco_rule("hostname-read", "Hostname read v2", "/etc/hostname"))
    a = read_until(agent, "Hostname read v2", "/etc/hostname", 10)
    assert a, agent.stderr()
    latency = a["_received"] - started
    print(f"\nkubectl apply -> new rule alerting on the agent: {latency * 1000:.0f} ms")
    assert latency < 5, latency  # the target is 1 s; bench/operator measures it properly

    def applied_now():
        c = condition(kubectl, "hostname-read", "Applied") or {}
        fr = get_json(kubectl, "-n", NS, "falcorule", "hostname-read")
        return c.get("status") == "True" and c.get("observedGeneration") == fr["metadata"]["generation"]

    wait_for("Applied=True for the new generation", applied_now, 20)
    assert running_bundle(kubectl) == assigned_bundle(kubectl)


def test_a_broken_falcorule_is_refused_at_apply_with_line_and_column(world):
    kubectl = world["kubectl"]
    proc = kubectl("apply", "-f", "-", stdin=BROKEN, check=False)
    assert proc.returncode != 0, proc.stdout
    assert "denied the request" in proc.stderr, proc.stderr
    assert "spec.rules:3:" in proc.stderr, proc.stderr
    # Nothing changed: the stored FalcoRule is still the good one.
    fr = get_json(kubectl, "-n", NS, "falcorule", "hostname-read")
    assert "Hostname read v2" in fr["spec"]["rules"]


def test_without_the_webhook_a_broken_falcorule_is_not_accepted_and_the_agent_keeps_its_rules(world):
    kubectl, agent = world["kubectl"], world["agent"]
    kubectl("delete", "validatingwebhookconfiguration", "peregrine-validating-webhook")
    before = running_bundle(kubectl)
    kubectl("apply", "-f", "-", stdin=BROKEN)

    def refused():
        c = condition(kubectl, "hostname-read", "Accepted") or {}
        return c if c.get("status") == "False" else None

    c = wait_for("Accepted=False", refused, 20)
    assert "3:" in c["message"], c
    # The last good rules keep running on the agent.
    assert read_until(agent, "Hostname read v2", "/etc/hostname", 10), agent.stderr()
    assert running_bundle(kubectl) == before


def test_a_deleted_falcorule_is_gone_from_the_agent(world):
    kubectl, agent = world["kubectl"], world["agent"]
    before = running_bundle(kubectl)
    kubectl("delete", "-n", NS, "falcorule", "hostname-read")
    wait_for("a new bundle on the agent", lambda: running_bundle(kubectl) not in (None, before), 20)
    marker = uuid.uuid4().hex[:8]
    subprocess.run(["cat", "/etc/hostname", f"/nonexistent/{marker}"], capture_output=True, timeout=10)
    # The sample rule still runs: reads of /etc/shadow alert, /etc/hostname no longer does.
    assert read_until(agent, SAMPLE_RULE, "/etc/shadow", 10), agent.stderr()
    assert not agent.matching(lambda a: marker in (fields(a).get("proc.cmdline") or "")), agent.stderr()
