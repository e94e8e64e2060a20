"""`peregrine operator` against the API test server with real kubectl: the CRDs and the sample
FalcoRule go in, a bundle and the node assignment come out; a hand-made agent Lease reporting the
bundle flips Applied; a broken FalcoRule is refused with line:column and changes no bundle; a
FalcoRule in another namespace ships as that tenant; with two operators only the leader writes
and the other takes over when it dies."""
import base64
import datetime
import json
import pathlib
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from kube_helpers import Kubectl, peregrine_bin, versions_under_test

ROOT = pathlib.Path(__file__).resolve().parents[2]
NS = "peregrine-system"
_, FOUND = versions_under_test()

BROKEN = """apiVersion: peregrine.dev/v1alpha1
kind: FalcoRule
metadata: {name: sensitive-file-read}
spec:
  order: 10
  rules: |
    - rule: Sample read of sensitive file
      desc: broken on purpose
      condition: evt.type = = openat
      output: x
      priority: WARNING
"""

TENANT = """apiVersion: peregrine.dev/v1alpha1
kind: FalcoRule
metadata: {name: web-shell, namespace: team-a}
spec:
  rules: |
    - rule: Shell in team-a
      desc: a shell in a team-a pod
      condition: evt.type = execve and proc.name = bash
      output: shell in %k8s.pod.name
      priority: NOTICE
"""

NODE = """apiVersion: v1
kind: Node
metadata:
  name: node-1
  labels: {kubernetes.io/os: linux, kubernetes.io/hostname: node-1}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, fn, timeout=20):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")


class Operator:
    def __init__(self, kubeconfig, workdir, *args):
        self.metrics_port = free_port()
        self.log_path = pathlib.Path(workdir) / f"operator-{self.metrics_port}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([peregrine_bin(), "operator", "--kubeconfig", str(kubeconfig), "--namespace", NS,
                                      "--metrics-addr", f"127.0.0.1:{self.metrics_port}", *args],
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def output(self):
        return self.log_path.read_text()

    def get(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
        except OSError:
            return None, ""

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture
def cluster(apiserver, tmp_path):
    binary = FOUND.get("1.32") or next(iter(FOUND.values()))
    kubeconfig = apiserver.write_kubeconfig(tmp_path / "kubeconfig")
    kubectl = Kubectl(binary, kubeconfig, tmp_path)
    kubectl.install_peregrine((NS, "team-a"))
    kubectl("apply", "-f", "-", stdin=NODE)
    kubectl("apply", "-n", NS, "-f", ROOT / "config" / "samples" / "peregrine.dev_v1alpha1_falcorule.yaml")
    operators = []

    def start(*args):
        op = Operator(kubeconfig, tmp_path, *args)
        operators.append(op)
        return op

    yield kubectl, start
    for op in operators:
        op.stop()


def get_json(kubectl, *args):
    proc = kubectl("get", *args, "-o", "json", check=False)
    return json.loads(proc.stdout) if proc.returncode == 0 else None


def assignment(kubectl):
    cm = get_json(kubectl, "-n", NS, "configmap", "peregrine-assignments")
    return (cm or {}).get("data", {}).get("node-1")


def manifest(kubectl, bundle):
    cm = get_json(kubectl, "-n", NS, "configmap", bundle)
    return json.loads(cm["data"]["manifest.json"])


def condition(kubectl, name, type_, ns=NS):
    fr = get_json(kubectl, "-n", ns, "falcorule", name) or {}
    for c in fr.get("status", {}).get("conditions", []):
        if c["type"] == type_:
            return c
    return None


def agent_lease(node, bundle_hash):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"""apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: peregrine-agent-{node}
  namespace: {NS}
  labels: {{app.kubernetes.io/part-of: peregrine, peregrine.dev/component: agent, peregrine.dev/node: {node}}}
  annotations: {{peregrine.dev/bundle: "{bundle_hash}"}}
spec: {{holderIdentity: {node}, leaseDurationSeconds: 30, renewTime: "{now}"}}
"""


def test_bundle_applied_broken_and_tenant(cluster):
    kubectl, start = cluster
    op = start("--leader-elect=false")

    bundle = wait_for("the assignment of node-1", lambda: assignment(kubectl))
    m = manifest(kubectl, bundle)
    assert bundle == f"peregrine-bundle-{m['hash']}"
    assert [f["name"] for f in m["files"]] == [f"000-{NS}-sensitive-file-read.yaml"]
    assert m["files"][0]["tenant"] == ""
    cm = get_json(kubectl, "-n", NS, "configmap", bundle)
    assert "Sample read of sensitive file" in cm["data"][m["files"][0]["name"]]
    assert cm["metadata"]["labels"]["peregrine.dev/bundle"] == m["hash"]
    accepted = wait_for("Accepted", lambda: condition(kubectl, "sensitive-file-read", "Accepted"))
    assert accepted["status"] == "True", accepted
    applied = condition(kubectl, "sensitive-file-read", "Applied")
    assert applied["status"] == "False" and applied["reason"] == "NoAgents", applied

    # An agent reporting the bundle: Applied flips to True.
    kubectl("apply", "-f", "-", stdin=agent_lease("node-1", m["hash"]))
    wait_for("Applied=True", lambda: (condition(kubectl, "sensitive-file-read", "Applied") or {}).get("status") == "True")
    fr = get_json(kubectl, "-n", NS, "falcorule", "sensitive-file-read")
    assert fr["status"]["agents"] == {"desired": 1, "applied": 1}
    assert fr["status"]["observedGeneration"] == fr["metadata"]["generation"]

    # A broken generation: refused with line:column, the bundle stays.
    kubectl("apply", "-n", NS, "-f", "-", stdin=BROKEN)
    refused = wait_for("Accepted=False", lambda: (lambda c: c if c and c["status"] == "False" else None)(
        condition(kubectl, "sensitive-file-read", "Accepted")))
    assert refused["reason"] == "InvalidRules", refused
    assert "line 3:" in refused["message"], refused["message"]
    fr = get_json(kubectl, "-n", NS, "falcorule", "sensitive-file-read")
    assert fr["status"]["diagnostics"][0]["line"] == 3
    assert (condition(kubectl, "sensitive-file-read", "Applied") or {}).get("reason") == "NotAccepted"
    time.sleep(0.5)
    assert assignment(kubectl) == bundle, "a refused generation must not change the bundle"

    # A tenant FalcoRule: a new bundle with the team-a file after the cluster-wide one.
    kubectl("apply", "-f", "-", stdin=TENANT)
    new = wait_for("a new bundle", lambda: (lambda b: b if b and b != bundle else None)(assignment(kubectl)))
    m2 = manifest(kubectl, new)
    assert [(f["name"], f["tenant"]) for f in m2["files"]] == [
        ("000-team-a-web-shell.yaml", "team-a"), (f"001-{NS}-sensitive-file-read.yaml", "")]
    assert m2["rules"][1]["generation"] == 1, "the last good generation keeps shipping"
    wait_for("Accepted in team-a", lambda: (condition(kubectl, "web-shell", "Accepted", "team-a") or {}).get("status") == "True")
    # The old bundle is garbage-collected once no node uses it.
    wait_for("the old bundle gone", lambda: get_json(kubectl, "-n", NS, "configmap", bundle) is None)

    status, body = op.get("/metrics")
    assert status == 200 and "peregrine_operator_reconciles_total" in body
    assert op.get("/readyz")[0] == 200 and op.get("/healthz")[0] == 200
    assert op.proc.poll() is None, op.output()


def lease_holder(kubectl):
    lease = get_json(kubectl, "-n", NS, "lease", "peregrine-operator")
    return (lease or {}).get("spec", {}).get("holderIdentity")


def test_leader_election_one_writer_and_takeover(cluster):
    kubectl, start = cluster
    a = start("--identity", "op-a")
    wait_for("op-a to lead", lambda: lease_holder(kubectl) == "op-a")
    b = start("--identity", "op-b")
    bundle = wait_for("the assignment of node-1", lambda: assignment(kubectl))
    wait_for("op-b's caches", lambda: b.get("/readyz")[0] == 200)
    time.sleep(1)
    assert "reconcile" in a.output(), a.output()
    assert "reconcile" not in b.output(), "a follower must not reconcile:\n" + b.output()
    assert lease_holder(kubectl) == "op-a"

    # Killed without releasing the Lease: op-b takes over once it expires, and writes.
    a.stop(signal.SIGKILL)
    wait_for("op-b to lead", lambda: lease_holder(kubectl) == "op-b", timeout=40)
    kubectl("apply", "-f", "-", stdin=TENANT)
    wait_for("op-b to ship the tenant rule",
             lambda: (lambda b2: b2 if b2 and b2 != bundle else None)(assignment(kubectl)), timeout=20)
    assert "leading as op-b" in b.output()


def secret(value):
    # data, not stringData: the API test server stores what it is given.
    encoded = base64.b64encode(value.encode()).decode()
    return f"""apiVersion: v1
kind: Secret
metadata: {{name: webhook-credentials, namespace: {NS}}}
data: {{authorization: {encoded}}}
"""


def test_falcooutput_and_its_credentials_reach_the_bundle(cluster):
    kubectl, start = cluster
    kubectl("apply", "-f", "-", stdin=secret("Bearer e2e-token"))
    kubectl("apply", "-n", NS, "-f", ROOT / "config" / "samples" / "peregrine.dev_v1alpha1_falcooutput.yaml")
    start("--leader-elect=false")

    def bundle_with_outputs():
        b = assignment(kubectl)
        return b if b and manifest(kubectl, b)["outputs"] else None

    bundle = wait_for("a bundle with outputs", bundle_with_outputs)
    m = manifest(kubectl, bundle)
    cm = get_json(kubectl, "-n", NS, "configmap", bundle)
    outputs_yaml = cm["data"]["outputs.yaml"]
    assert f"{NS}.webhook-credentials" in outputs_yaml and "e2e-token" not in outputs_yaml
    assert m["secret"] == bundle
    assert m["secrets"] == [{"dir": f"{NS}.webhook-credentials", "key": "authorization",
                             "secretKey": f"{NS}.webhook-credentials.authorization"}]
    bundle_secret = get_json(kubectl, "-n", NS, "secret", bundle)
    assert base64.b64decode(bundle_secret["data"][m["secrets"][0]["secretKey"]]) == b"Bearer e2e-token"
    assert bundle_secret["metadata"]["ownerReferences"][0]["name"] == bundle
    fo = wait_for("FalcoOutput Accepted", lambda: (lambda o: o if o and o.get("status") else None)(
        get_json(kubectl, "-n", NS, "falcooutput", "siem-webhook")))
    accepted = [c for c in fo["status"]["conditions"] if c["type"] == "Accepted"][0]
    assert accepted["status"] == "True", accepted

    # A rotated credential is a new bundle (Secrets are not watched: the 5 s resync reads them).
    kubectl("apply", "-f", "-", stdin=secret("Bearer rotated"))
    wait_for("a new bundle after rotation", lambda: (lambda b: b if b and b != bundle else None)(assignment(kubectl)))
