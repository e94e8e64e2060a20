"""Two `peregrine audit-webhook --cluster` replicas behind one API server (issue 6): kube-apiserver
resends a batch whose POST failed or timed out, and behind a Service the resend may reach the
other replica after the first one has already evaluated it. Each alert must still be raised once
in total — on the replicas' stdout outputs and in the FalcoAlert counts — because a replica only
raises an alert whose claim (a Lease named after auditID, stage and rule) it created
(audit-webhook/claims/).

The world is the real one: the API test server, `peregrine operator`, FalcoRule and FalcoOutputs
(stdout JSON and falcoalert) applied with kubectl, both replicas over HTTPS with a client
certificate."""
import json
import os
import pathlib
import queue
import subprocess
import sys
import threading

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from kube_helpers import peregrine_bin, start_cluster  # noqa: E402
from test_audit_cluster import (FOUND, NS, OUTPUTS, ClusterWebhook, audit_bundle, audit_event,  # noqa: E402
                                falco_rule)
from test_audit_webhook import event_list, pki, post  # noqa: E402,F401  (pki: a fixture)
from test_operator import Operator, wait_for  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULE = "ConfigMap created (replicas)"


class Replica(ClusterWebhook):
    """One replica: its own bundle and secrets directories, extra options after the usual ones."""

    def __init__(self, binary, pki, kubeconfig, work, name, *extra):  # noqa: F811
        work = work / name
        work.mkdir()
        self.name = name
        self.pki = pki
        self.metrics_port = None
        self.proc = subprocess.Popen(
            [binary, "audit-webhook", "--cluster", "--kubeconfig", str(kubeconfig), "--namespace", NS,
             "--bundle-dir", str(work / "audit-bundles"), "--secrets-dir", str(work / "audit-secrets"),
             "--listen", "127.0.0.1:0", "--tls-cert", str(pki / "server.crt"), "--tls-key", str(pki / "server.key"),
             "--client-ca", str(pki / "ca.crt"), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, POD_NAME=f"peregrine-audit-webhook-{name}"))
        self.log, self.alerts = queue.Queue(), queue.Queue()
        self.stderr = []
        threading.Thread(target=self._read_stderr, daemon=True).start()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        line = self.wait_log("listening on ")
        self.port = int(line.rsplit(":", 1)[1].split("/")[0])

    def metric(self, line_start):
        text = self.metrics()
        line = next((line for line in text.splitlines() if line.startswith(line_start + " ")), None)
        assert line is not None, f"no {line_start} in /metrics:\n{text}"
        return int(line.rsplit(" ", 1)[1])


def drain(replicas, expected):
    """Every alert the replicas raise until `expected` have come, then 1.5 s more of nothing."""
    alerts = []
    for _ in range(expected):
        got = None
        for _ in range(200):  # up to 20 s, looking at every replica in turn
            for r in replicas:
                try:
                    got = (r.name, r.alerts.get(timeout=0.05))
                    break
                except queue.Empty:
                    continue
            if got:
                break
        assert got, f"only {len(alerts)} of {expected} alerts; logs: {[''.join(r.stderr) for r in replicas]}"
        alerts.append(got)
    for r in replicas:
        r.no_alert()
    return alerts


def falcoalert_count(kubectl):
    items = json.loads(kubectl("get", "falcoalerts", "-A", "-o", "json").stdout)["items"]
    return sum(int(a["spec"]["count"]) for a in items if a["spec"]["rule"] == RULE)


@pytest.fixture(scope="module")
def world(tmp_path_factory, pki):  # noqa: F811
    assert FOUND, "no kubectl found"
    binary = peregrine_bin()
    work = tmp_path_factory.mktemp("audit-replicas")
    server, kubeconfig, kubectl = start_cluster(work, FOUND, (NS, "default"))
    kubectl("apply", "-f", "-", stdin=OUTPUTS)
    kubectl("apply", "-f", "-", stdin=falco_rule(NS, "cm-replicas", RULE, "create", "configmaps"))
    operator = Operator(kubeconfig, work)
    bundle = wait_for("the audit assignment", lambda: audit_bundle(kubectl), 30)
    replicas = [Replica(binary, pki, kubeconfig, work, name) for name in ("a", "b")]
    for r in replicas:
        r.wait_log(f"bundle {bundle} in force")
    yield {"kubectl": kubectl, "replicas": replicas, "binary": binary, "pki": pki, "kubeconfig": kubeconfig,
           "work": work}
    codes = [r.stop() for r in replicas]
    for r in replicas:
        print(f"\nreplica {r.name} log:\n" + "".join(r.stderr))
    operator.stop()
    print("\noperator log:\n" + operator.output())
    server.stop()
    assert codes == [0, 0]


def test_batch_resent_to_the_other_replica_alerts_once(world):
    kubectl, (a, b) = world["kubectl"], world["replicas"]
    names = [f"resent-{i}" for i in range(6)]
    batch = event_list([audit_event(f"resent-id-{i}", "create", "configmaps", "default", n)
                        for i, n in enumerate(names)])
    # Replica a evaluates the batch; its answer is lost, and the apiserver resends it to b.
    status, body = post(a.connection(), batch)
    assert status == 200, body
    status, body = post(b.connection(), batch)
    assert status == 200, body

    alerts = drain([a, b], len(names))
    assert sorted(alert["output_fields"]["ka.target.name"] for _, alert in alerts) == sorted(names)
    assert all(alert["rule"] == RULE for _, alert in alerts)

    won = [r.metric('peregrine_audit_claims_total{result="won"}') for r in (a, b)]
    lost = [r.metric('peregrine_audit_claims_total{result="lost"}') for r in (a, b)]
    assert sum(won) == len(names) and sum(lost) == len(names), (won, lost)
    assert all(r.metric('peregrine_audit_claims_total{result="error"}') == 0 for r in (a, b))

    # One claim per alert, held by the replica that raised it.
    leases = json.loads(kubectl("get", "leases", "-n", NS, "-l", "peregrine.dev/component=audit-claim",
                                "-o", "json").stdout)["items"]
    assert len(leases) >= len(names)
    holders = {lease["metadata"]["annotations"]["peregrine.dev/audit-id"]: lease["spec"]["holderIdentity"]
               for lease in leases}
    for name, alert in alerts:
        audit_id = "resent-id-" + str(names.index(alert["output_fields"]["ka.target.name"]))
        assert holders[audit_id] == f"peregrine-audit-webhook-{name}"

    # The FalcoAlert counts each event once, not once per replica.
    wait_for("the FalcoAlert count", lambda: falcoalert_count(kubectl) == len(names), 20)
    b.no_alert(wait=2.5)  # more than the falcoalert sink's flush interval: no late second write
    assert falcoalert_count(kubectl) == len(names)


def test_both_replicas_at_once_alert_once(world):
    (a, b) = world["replicas"]
    names = [f"race-{i}" for i in range(20)]
    batch = event_list([audit_event(f"race-id-{i}", "create", "configmaps", "default", n)
                        for i, n in enumerate(names)])
    results = []
    threads = [threading.Thread(target=lambda r=r: results.append(post(r.connection(), batch))) for r in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [s for s, _ in results] == [200, 200], results
    alerts = drain([a, b], len(names))
    assert sorted(alert["output_fields"]["ka.target.name"] for _, alert in alerts) == sorted(names)


def test_claims_off_raises_on_every_replica(world):
    """--dedup-claims off is the old behaviour: a resent batch alerts on each replica it reaches."""
    binary, pki_dir, kubeconfig, work = world["binary"], world["pki"], world["kubeconfig"], world["work"]
    replicas = [Replica(binary, pki_dir, kubeconfig, work, name, "--dedup-claims", "off") for name in ("c", "d")]
    try:
        for r in replicas:
            r.wait_log("in force")
            assert "peregrine_audit_claims_total" not in r.metrics()
        batch = event_list([audit_event("off-id-1", "create", "configmaps", "default", "off-1")])
        for r in replicas:
            assert post(r.connection(), batch)[0] == 200
        alerts = drain(replicas, 2)
        assert sorted(name for name, _ in alerts) == ["c", "d"]
    finally:
        assert [r.stop() for r in replicas] == [0, 0]


def test_dedup_claims_needs_cluster_mode(world):
    proc = subprocess.run([world["binary"], "audit-webhook", "--rules", str(ROOT / "rules" / "k8s_audit"),
                           "--insecure-http", "--dedup-claims", "on"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "--dedup-claims needs --cluster" in proc.stderr, proc.stderr
    proc = subprocess.run([world["binary"], "audit-webhook", "--cluster", "--insecure-http",
                           "--dedup-claims", "maybe"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "--dedup-claims must be on or off" in proc.stderr, proc.stderr
