"""`peregrine audit-webhook --cluster` end to end: the API test server, `peregrine operator`, and the
audit webhook over real HTTPS with a client certificate, configured only through FalcoRules and
FalcoOutputs applied with kubectl.

A cluster-wide FalcoRule's k8s_audit rule alerts on stdout (a FalcoOutput) and in `kubectl get
falcoalerts` (another); a FalcoRule with a nodeSelector that selects no node still reaches the
webhook; a changed FalcoRule alerts under its new rule after a hot reload in the same process; a
tenant's FalcoRule only matches events of its namespace; a bundle that is wrong as written is
refused (log and /metrics) while the last good rules keep alerting."""
import json
import pathlib
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from kube_helpers import peregrine_bin, start_cluster, versions_under_test  # noqa: E402
from test_audit_webhook import event_list, pki, post  # noqa: E402,F401  (pki: a fixture)
from test_operator import Operator, free_port, get_json, wait_for  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
NS = "peregrine-system"
_, FOUND = versions_under_test()

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


def falco_rule(ns, name, rule, verb, resource, selector=""):
    return f"""apiVersion: peregrine.dev/v1alpha1
kind: FalcoRule
metadata: {{name: {name}, namespace: {ns}}}
spec:
{selector}  rules: |
    - rule: {rule}
      desc: e2e
      condition: ka.verb = {verb} and ka.target.resource = {resource} and ka.stage = ResponseComplete
      output: "{rule} (user=%ka.user.name ns=%ka.target.namespace name=%ka.target.name)"
      priority: WARNING
      source: k8s_audit
"""


def audit_event(audit_id, verb, resource, ns, name, user="mallory"):
    path = f"/api/v1/namespaces/{ns}/{resource}" + ("" if verb == "create" else f"/{name}")
    return {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": audit_id,
            "stage": "ResponseComplete", "requestURI": path, "verb": verb,
            "user": {"username": user, "groups": ["system:authenticated"]}, "sourceIPs": ["10.0.0.7"],
            "objectRef": {"resource": resource, "namespace": ns, "name": name, "apiVersion": "v1"},
            "responseStatus": {"metadata": {}, "code": 200},
            "requestReceivedTimestamp": "2026-11-22T10:00:00.000000Z",
            "stageTimestamp": "2026-11-22T10:00:00.010000Z"}


class ClusterWebhook:
    """`peregrine audit-webhook --cluster` with stdout and stderr read as they come."""

    def __init__(self, binary, pki, kubeconfig, work):
        self.pki = pki
        self.metrics_port = None
        self.proc = subprocess.Popen(
            [binary, "audit-webhook", "--cluster", "--kubeconfig", str(kubeconfig), "--namespace", NS,
             "--bundle-dir", str(work / "audit-bundles"), "--secrets-dir", str(work / "audit-secrets"),
             "--listen", "127.0.0.1:0", "--tls-cert", str(pki / "server.crt"), "--tls-key", str(pki / "server.key"),
             "--client-ca", str(pki / "ca.crt")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.log, self.alerts = queue.Queue(), queue.Queue()
        self.stderr = []
        threading.Thread(target=self._read_stderr, daemon=True).start()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        line = self.wait_log("listening on ")
        self.port = int(line.rsplit(":", 1)[1].split("/")[0])

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line)
            self.log.put(line)

    def _read_stdout(self):
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.alerts.put(json.loads(line))

    def wait_log(self, needle, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.log.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no log line with {needle!r}; stderr: {''.join(self.stderr)}")
            if needle in line:
                return line

    def connection(self):
        import http.client
        import ssl
        ctx = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        ctx.load_cert_chain(str(self.pki / "client.crt"), str(self.pki / "client.key"))
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=ctx, timeout=30)

    def send(self, *events):
        status, body = post(self.connection(), event_list(list(events)))
        assert status == 200, body

    def next_alert(self, timeout=20):
        try:
            return self.alerts.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no alert within {timeout} s; stderr: {''.join(self.stderr)}")

    def no_alert(self, wait=1.5):
        try:
            a = self.alerts.get(timeout=wait)
        except queue.Empty:
            return
        raise AssertionError(f"unexpected alert {a}")

    def metrics(self):
        import ssl
        ctx = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        ctx.load_cert_chain(str(self.pki / "client.crt"), str(self.pki / "client.key"))
        with urllib.request.urlopen(f"https://127.0.0.1:{self.port}/metrics", context=ctx, timeout=10) as r:
            return r.read().decode()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode


def audit_bundle(kubectl):
    cm = get_json(kubectl, "-n", NS, "configmap", "peregrine-audit-assignment")
    return (cm or {}).get("data", {}).get("bundle")


@pytest.fixture(scope="module")
def world(tmp_path_factory, pki):  # noqa: F811
    assert FOUND, "no kubectl found"
    binary = peregrine_bin()
    work = tmp_path_factory.mktemp("audit-cluster")
    server, kubeconfig, kubectl = start_cluster(work, FOUND, (NS, "team-a", "team-b", "default"))
    kubectl("apply", "-f", "-", stdin=OUTPUTS)
    operator = Operator(kubeconfig, work)
    webhook = ClusterWebhook(binary, pki, kubeconfig, work)
    yield {"kubectl": kubectl, "webhook": webhook, "operator": operator, "server": server}
    rc = webhook.stop()
    print("\naudit webhook log:\n" + "".join(webhook.stderr))
    operator.stop()
    print("\noperator log:\n" + operator.output())
    server.stop()
    assert rc == 0


def test_falcorule_alerts_to_falcooutputs_and_hot_reloads(world):
    kubectl, w = world["kubectl"], world["webhook"]
    pid = w.proc.pid
    kubectl("apply", "-f", "-", stdin=falco_rule(NS, "cm-watch", "ConfigMap created v1", "create", "configmaps"))
    bundle = wait_for("the audit assignment", lambda: audit_bundle(kubectl), 30)
    w.wait_log(f"bundle {bundle} in force")

    w.send(audit_event("cm-1", "create", "configmaps", "default", "app-config"))
    alert = w.next_alert()
    assert alert["rule"] == "ConfigMap created v1" and alert["source"] == "k8s_audit"
    assert alert["output_fields"]["ka.target.name"] == "app-config"

    def falcoalerts():
        items = json.loads(kubectl("get", "falcoalerts", "-A", "-o", "json").stdout)["items"]
        return [a for a in items if a["spec"]["rule"] == "ConfigMap created v1"]
    items = wait_for("the FalcoAlert", falcoalerts, 20)
    assert items[0]["metadata"]["namespace"] == "default" and items[0]["spec"]["source"] == "k8s_audit"
    assert "ConfigMap created v1" in kubectl("get", "falcoalerts", "-n", "default").stdout

    # A new generation: a new bundle, hot-reloaded in the same process.
    kubectl("apply", "-f", "-", stdin=falco_rule(NS, "cm-watch", "ConfigMap created v2", "create", "configmaps"))
    second = wait_for("a new audit bundle", lambda: (audit_bundle(kubectl) or bundle) != bundle and audit_bundle(kubectl))
    w.wait_log(f"bundle {second} in force")
    w.send(audit_event("cm-2", "create", "configmaps", "default", "app-config-2"))
    assert w.next_alert()["rule"] == "ConfigMap created v2"
    w.no_alert()
    assert w.proc.poll() is None and w.proc.pid == pid
    metrics = w.metrics()
    assert f'peregrine_audit_bundle_info{{bundle="{second[len("peregrine-bundle-"):]}",error="0"}} 1' in metrics
    loads = next(line for line in metrics.splitlines() if line.startswith("peregrine_audit_bundle_loads_total "))
    assert int(loads.split()[1]) >= 2, metrics


def test_node_selector_does_not_keep_rules_from_the_webhook(world):
    kubectl, w = world["kubectl"], world["webhook"]
    before = audit_bundle(kubectl)
    selector = "  nodeSelector: {matchLabels: {pool: gpu}}\n"
    kubectl("apply", "-f", "-", stdin=falco_rule(NS, "sa-watch", "ServiceAccount deleted", "delete",
                                                 "serviceaccounts", selector))
    after = wait_for("a new audit bundle", lambda: audit_bundle(kubectl) != before and audit_bundle(kubectl))
    w.wait_log(f"bundle {after} in force")
    w.send(audit_event("sa-1", "delete", "serviceaccounts", "default", "builder"))
    assert w.next_alert()["rule"] == "ServiceAccount deleted"


def test_tenant_rule_only_matches_its_namespace(world):
    kubectl, w = world["kubectl"], world["webhook"]
    before = audit_bundle(kubectl)
    kubectl("apply", "-f", "-", stdin=falco_rule("team-a", "secret-reads", "Team A secret read", "get", "secrets"))
    after = wait_for("a new audit bundle", lambda: audit_bundle(kubectl) != before and audit_bundle(kubectl))
    w.wait_log(f"bundle {after} in force")
    w.send(audit_event("s-b", "get", "secrets", "team-b", "db-password"))
    w.no_alert()
    w.send(audit_event("s-a", "get", "secrets", "team-a", "db-password"))
    alert = w.next_alert()
    assert alert["rule"] == "Team A secret read"
    assert alert["output_fields"]["ka.target.namespace"] == "team-a"
    w.no_alert()


def test_bundle_wrong_as_written_keeps_the_last_good_rules(world):
    kubectl, w, operator = world["kubectl"], world["webhook"], world["operator"]
    good = audit_bundle(kubectl)
    # The operator would put its own assignment back: stop it, then point the webhook at a
    # bundle whose file does not match its sha256.
    operator.stop()
    cm = get_json(kubectl, "-n", NS, "configmap", good)
    manifest = json.loads(cm["data"]["manifest.json"])
    bad_name = "peregrine-bundle-00000000deadbeef"
    manifest["hash"] = "00000000deadbeef"
    data = dict(cm["data"], **{"manifest.json": json.dumps(manifest)})
    first = manifest["files"][0]
    for f in manifest["files"]:
        f["object"] = bad_name
    data["manifest.json"] = json.dumps(manifest)
    data[first["name"]] = cm["data"][first["name"]] + "\n# tampered\n"
    bad = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": bad_name, "namespace": NS}, "data": data}
    kubectl("apply", "-f", "-", stdin=json.dumps(bad))
    kubectl("patch", "-n", NS, "configmap", "peregrine-audit-assignment", "--type", "merge",
            "-p", json.dumps({"data": {"bundle": bad_name}}))
    w.wait_log("sha256")
    wait_for("error=1 on /metrics", lambda: 'error="1"' in w.metrics(), 10)
    w.send(audit_event("cm-3", "create", "configmaps", "default", "still-watched"))
    assert w.next_alert()["rule"] == "ConfigMap created v2"


def test_cluster_usage_errors(peregrine, tmp_path):
    assert "--kubeconfig needs --cluster" in peregrine("audit-webhook", "--kubeconfig", tmp_path / "k",
                                                       "--insecure-http", check=1).stderr
    assert "(or --cluster)" in peregrine("audit-webhook", "--insecure-http", check=1).stderr
    missing = peregrine("audit-webhook", "--cluster", "--kubeconfig", tmp_path / "none", "--insecure-http", check=1)
    assert "--kubeconfig " + str(tmp_path / "none") in missing.stderr
