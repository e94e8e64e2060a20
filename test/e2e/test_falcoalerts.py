"""FalcoAlerts end to end: real kubectl applies the CRD to the API test server, the real
`peregrine audit-webhook` evaluates audit events with the default k8s_audit rules and writes
its alerts through the `falcoalert` sink, and `kubectl get falcoalerts -A` shows them with their
printer columns and exact counts."""
import http.client
import json
import signal
import time

import pytest

from conftest import ROOT
from kube_helpers import Kubectl, versions_under_test
from test_agent_outputs import start_webhook, write_config
from test_audit_webhook import event_list, load_cases

CRD = ROOT / "crds" / "peregrine.dev_falcoalerts.yaml"
VERSIONS, FOUND = versions_under_test()


@pytest.fixture
def kubectl(apiserver, tmp_path):
    assert "1.32" in FOUND, f"kubectl 1.32 is required; found {sorted(FOUND)}"
    k = Kubectl(FOUND["1.32"], apiserver.write_kubeconfig(tmp_path / "kubeconfig"), tmp_path)
    k("apply", "-f", CRD)
    for ns in ("peregrine-system", "shop"):
        # apply, not `create namespace`: kubectl sends built-in kinds it creates as protobuf.
        k("apply", "-f", "-", stdin=f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n")
    return k


def post(port, events):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/k8s-audit", body=json.dumps(event_list(events)),
                 headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    body = resp.read()
    assert resp.status == 200, body
    conn.close()


def fires(rule):
    return next(c for c in load_cases() if c[0] == rule)[1]


def copies(event, n, tag):
    out = []
    for i in range(n):
        e = dict(event)
        e["auditID"] = f"{tag}-{i}"
        out.append(e)
    return out


def alerts(kubectl):
    return json.loads(kubectl("get", "falcoalerts", "-A", "-o", "json").stdout)["items"]


def wait_counts(kubectl, want, timeout=30):
    """Polls until the FalcoAlerts' (namespace, rule) → count equal `want`; returns the items."""
    deadline = time.time() + timeout
    while True:
        items = alerts(kubectl)
        got = {(a["metadata"]["namespace"], a["spec"]["rule"]): a["spec"]["count"] for a in items}
        if got == want or time.time() > deadline:
            assert got == want
            return items
        time.sleep(0.2)


def test_audit_alerts_become_falcoalerts_with_exact_counts(kubectl, apiserver, tmp_path):
    config = write_config(tmp_path, [{
        "name": "cluster", "type": "falcoalert", "kubeconfig": str(tmp_path / "kubeconfig"),
        "nodeName": "audit-0", "flushInterval": "200ms", "maxWritesPerSecond": 20}])
    proc, port = start_webhook(config)
    try:
        shell = fires("Shell Or Attach Into Pod")[0]
        admin = fires("Cluster Admin Role Bound")[0]
        # 3 batches of 40 exec events of one pod, and 7 cluster-scoped events, interleaved.
        for batch in range(3):
            post(port, copies(shell, 40, f"shell-{batch}"))
        post(port, copies(admin, 7, "admin"))
        items = wait_counts(kubectl, {("shop", "Shell Or Attach Into Pod"): 120,
                                      ("peregrine-system", "Cluster Admin Role Bound"): 7})
        # More of the same key while it runs: the same object, a larger count.
        post(port, copies(shell, 5, "shell-late"))
        items = wait_counts(kubectl, {("shop", "Shell Or Attach Into Pod"): 125,
                                      ("peregrine-system", "Cluster Admin Role Bound"): 7})
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out == ""  # the sink replaces stdout

    shell_alert = next(a for a in items if a["spec"]["rule"] == "Shell Or Attach Into Pod")
    spec = shell_alert["spec"]
    assert spec["pod"] == "cart-7d9f" and spec["node"] == "audit-0" and spec["source"] == "k8s_audit"
    assert spec["namespace"] == "shop"
    assert spec["sampleFields"]["ka.target.name"] == "cart-7d9f"
    assert spec["firstSeen"] <= spec["lastSeen"]
    assert shell_alert["metadata"]["name"].startswith("shell-or-attach-into-pod-")
    assert shell_alert["metadata"]["labels"]["peregrine.dev/node"] == "audit-0"

    # The printer columns, as a user sees them.
    table = kubectl("get", "falcoalerts", "-A").stdout.splitlines()
    header = table[0].split()
    assert header[:9] == ["NAMESPACE", "NAME", "RULE", "PRIORITY", "POD", "NODE", "COUNT", "LAST", "SEEN"], table
    row = next(line for line in table[1:] if line.startswith("shop "))
    assert "Shell Or Attach Into Pod" in row and "cart-7d9f" in row and "audit-0" in row, row
    assert " 125 " in row, row
    wide = kubectl("get", "falcoalerts", "-n", "peregrine-system", "-o", "wide").stdout
    assert "SOURCE" in wide and "k8s_audit" in wide and " 7 " in wide, wide
    # Short name and category from the CRD.
    assert "cart-7d9f" in kubectl("get", "fa", "-n", "shop").stdout


def test_a_restarted_webhook_continues_the_stored_count(kubectl, apiserver, tmp_path):
    config = write_config(tmp_path, [{
        "name": "cluster", "type": "falcoalert", "kubeconfig": str(tmp_path / "kubeconfig"),
        "nodeName": "audit-0", "flushInterval": "100ms"}])
    shell = fires("Shell Or Attach Into Pod")[0]
    for run, n in enumerate((11, 4)):
        proc, port = start_webhook(config)
        try:
            post(port, copies(shell, n, f"run-{run}"))
        finally:
            # Stopping drains what is pending: the count is in the API when the process exits.
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    wait_counts(kubectl, {("shop", "Shell Or Attach Into Pod"): 15}, timeout=5)


def test_falcoalert_config_errors_are_one_line_with_their_position(tmp_path, peregrine, apiserver):
    kubeconfig = apiserver.write_kubeconfig(tmp_path / "kubeconfig")
    config = tmp_path / "config.yaml"
    config.write_text("outputs:\n"
                      "  - name: cluster\n"
                      "    type: falcoalert\n"
                      f"    kubeconfig: {kubeconfig}\n"
                      "    flushInterval: 5\n")
    proc = peregrine("audit-webhook", "--listen", "127.0.0.1:0", "--insecure-http",
                     "--rules", ROOT / "rules" / "k8s_audit", "--config", config)
    assert proc.returncode == 1
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert f"{config}:2:5: outputs[0] (cluster)" in err and "flushInterval" in err, err
