"""`peregrine audit-webhook` end to end: the real binary over real HTTPS with a client certificate,
posting audit EventLists the way kube-apiserver's batch webhook backend does (POST, JSON
EventList, kept-alive connection), and checking the alerts on stdout."""
import http.client
import json
import os
import queue
import signal
import socket
import ssl
import subprocess
import threading

import pytest
import yaml

from conftest import ROOT

RULES = ROOT / "rules" / "k8s_audit"
CASES = RULES / "tests" / "cases.yaml"


def merge_patch(target, patch):
    """RFC 7386, as the cases file describes."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def load_cases():
    doc = yaml.safe_load(CASES.read_text())
    n = 0
    cases = []
    for case in doc["cases"]:
        events = {"fires": [], "quiet": []}
        for kind in events:
            for patch in case[kind]:
                n += 1
                ev = merge_patch(doc["base"], patch)
                ev.setdefault("auditID", f"e2e-{n}")
                events[kind].append(ev)
        cases.append((case["rule"], events["fires"], events["quiet"]))
    return cases


def event_list(events):
    return {"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "metadata": {}, "items": events}


def openssl(cwd, *args):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "rogue-ca"):
        openssl(d, "req", "-x509", *key, "-keyout", f"{ca}.key", "-out", f"{ca}.crt",
                "-subj", f"/CN={ca}", "-days", "2")
    leaves = {"server": ("ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth"),
              "client": ("ca", "extendedKeyUsage=clientAuth"),
              "rogue": ("rogue-ca", "extendedKeyUsage=clientAuth")}
    for name, (ca, ext) in leaves.items():
        (d / f"{name}.ext").write_text(ext + "\n")
        openssl(d, "req", *key, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
        openssl(d, "x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext")
    return d


class Webhook:
    """A running `peregrine audit-webhook`; stderr is collected as it comes, stdout at the end."""

    def __init__(self, binary, pki, *extra, rules=RULES):
        self.pki = pki
        self.proc = subprocess.Popen(
            [binary, "audit-webhook", "--listen", "127.0.0.1:0", "--rules", str(rules),
             "--tls-cert", str(pki / "server.crt"), "--tls-key", str(pki / "server.key"),
             "--client-ca", str(pki / "ca.crt"), "-o", "json", *map(str, extra)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.log = queue.Queue()
        self.stderr = []
        threading.Thread(target=self._read_stderr, daemon=True).start()
        line = self.wait_log("listening on ")
        self.port = int(line.rsplit(":", 1)[1].split("/")[0])

    def _read_stderr(self):
        for line in self.proc.stderr:
            self.stderr.append(line)
            self.log.put(line)

    def wait_log(self, needle, timeout=60):
        while True:
            try:
                line = self.log.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no log line with {needle!r}; stderr: {''.join(self.stderr)}")
            if needle in line:
                return line

    def connection(self, cert="client"):
        ctx = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
        if cert:
            ctx.load_cert_chain(str(self.pki / f"{cert}.crt"), str(self.pki / f"{cert}.key"))
        return http.client.HTTPSConnection("127.0.0.1", self.port, context=ctx, timeout=60)

    def stop(self):
        """SIGTERM: the webhook evaluates what it accepted, then exits. Returns the alerts."""
        self.proc.send_signal(signal.SIGTERM)
        out, _ = self.proc.communicate(timeout=120)
        assert self.proc.returncode == 0, "".join(self.stderr)
        return [json.loads(line) for line in out.splitlines()]

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate(timeout=60)


@pytest.fixture
def webhook(peregrine, pki):
    binary = os.environ.get("PEREGRINE_BIN", str(ROOT / "build" / "release" / "cmd" / "peregrine"))
    started = []

    def start(*extra, **kw):
        w = Webhook(binary, pki, *extra, **kw)
        started.append(w)
        return w

    yield start
    for w in started:
        w.kill()


def post(conn, body, content_type="application/json", headers=None):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    conn.request("POST", "/k8s-audit", body=data,
                 headers={"Content-Type": content_type, **(headers or {})})
    resp = conn.getresponse()
    return resp.status, resp.read().decode()


def test_every_default_rule_alerts_over_https(webhook):
    cases = load_cases()
    w = webhook("--all-matches")
    conn = w.connection()  # one kept-alive connection, as the apiserver's client keeps
    fires = [ev for _, f, _ in cases for ev in f]
    for i in range(0, len(fires), 10):
        status, body = post(conn, event_list(fires[i:i + 10]))
        assert status == 200, body
    alerts = w.stop()
    raised = {a["rule"] for a in alerts}
    missing = {rule for rule, _, _ in cases} - raised
    assert not missing, f"rules that raised no alert: {missing}"
    for a in alerts:
        assert a["source"] == "k8s_audit"
        assert a["output_fields"]["ka.user.name"]
        assert a["output_fields"]["ka.verb"]
        assert a["output"].split(": ", 1)[1].startswith(a["priority"])
    exec_alert = next(a for a in alerts if a["rule"] == "Shell Or Attach Into Pod")
    assert exec_alert["output_fields"]["ka.target.name"] == "cart-7d9f"
    assert exec_alert["output_fields"]["ka.uri.param[command]"] == "/bin/sh"
    assert exec_alert["time"] == "2026-03-02T09:14:07.131877000Z"


def test_quiet_events_raise_nothing_for_their_rule(webhook):
    # Each near miss gets its own stage timestamp, so an alert's time says which event raised it.
    w = webhook("--all-matches")
    conn = w.connection()
    rule_of_time = {}
    for rule, _, quiet in load_cases():
        for ev in quiet:
            n = len(rule_of_time) + 1
            ev["stageTimestamp"] = f"2026-03-02T09:14:07.{n:09d}Z"
            rule_of_time[f"2026-03-02T09:14:07.{n:09d}Z"] = rule
        status, _ = post(conn, event_list(quiet))
        assert status == 200
    alerts = w.stop()
    # A near miss of one rule may rightly be another rule's hit; never its own rule's.
    wrong = [(a["rule"], a["output"]) for a in alerts if rule_of_time[a["time"]] == a["rule"]]
    assert not wrong


def test_replay_gives_the_same_alerts(webhook, peregrine, tmp_path):
    fires = [ev for _, f, _ in load_cases() for ev in f]
    w = webhook("--all-matches")
    status, _ = post(w.connection(), event_list(fires))
    assert status == 200
    served = w.stop()
    lines = tmp_path / "events.jsonl"
    lines.write_text("\n".join(json.dumps(ev) for ev in fires) + "\n")
    replayed = peregrine("replay", "--source", "k8s_audit", "--rules", RULES, "--events", lines,
                         "--all-matches", "-o", "json", check=0)
    replayed = [json.loads(l) for l in replayed.stdout.splitlines()]
    key = lambda a: (a["rule"], a["output"], json.dumps(a["output_fields"], sort_keys=True))
    assert sorted(map(key, served)) == sorted(map(key, replayed))


def test_bad_input_gets_the_right_status_and_the_webhook_keeps_serving(webhook, tmp_path):
    config = tmp_path / "webhook.yaml"
    config.write_text("max_body_bytes: 65536\nread_timeout_ms: 1000\n")
    w = webhook("--config", config)
    good = event_list(load_cases()[0][1])

    assert post(w.connection(cert=None), good)[0] == 401           # no client certificate
    assert post(w.connection(cert="rogue"), good)[0] == 401        # certificate from another CA
    conn = w.connection()
    status, body = post(conn, good, content_type="text/plain")
    assert status == 415 and "application/json" in body
    conn = w.connection()
    status, body = post(conn, "{\"kind\": \"EventList\", \"items\": [")
    assert status == 400 and body.strip()
    status, body = post(conn, {"kind": "Policy", "apiVersion": "audit.k8s.io/v1", "rules": []})
    assert status == 400 and "Policy" in body
    conn = w.connection()
    status, _ = post(conn, " " * 100_000)
    assert status == 413

    # A client that connects and never speaks is cut by the read timeout; one that sends
    # garbage instead of a TLS handshake is dropped.
    for payload in (b"", b"\x16\x03\x01garbage-not-a-handshake"):
        with socket.create_connection(("127.0.0.1", w.port), timeout=60) as s:
            if payload:
                s.sendall(payload)
            try:
                while s.recv(4096):
                    pass  # a TLS alert may come first
            except ConnectionResetError:
                pass

    # Authenticated clients that stall mid-headers or mid-body are cut by the read timeout too;
    # a stalled body gets its 400 first.
    ctx = ssl.create_default_context(cafile=str(w.pki / "ca.crt"))
    ctx.load_cert_chain(str(w.pki / "client.crt"), str(w.pki / "client.key"))
    for partial, answer in ((b"POST /k8s-audit HTTP/1.1\r\nHost: x\r\n", b""),
                            (b"POST /k8s-audit HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"Content-Length: 1000\r\n\r\n{", b"HTTP/1.1 400")):
        with socket.create_connection(("127.0.0.1", w.port), timeout=60) as raw:
            with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
                s.sendall(partial)
                received = b""
                try:
                    while chunk := s.recv(4096):
                        received += chunk
                except (ConnectionResetError, ssl.SSLError):
                    pass
                assert received.startswith(answer), received

    conn = w.connection()
    status, body = post(conn, good)
    assert status == 200, body
    conn.request("GET", "/healthz")
    assert conn.getresponse().read() == b"ok\n"
    conn.request("GET", "/metrics")
    metrics = conn.getresponse().read().decode()
    assert 'peregrine_audit_webhook_responses_total{code="401"} 2' in metrics
    assert 'peregrine_audit_webhook_responses_total{code="400"} 3' in metrics
    assert 'peregrine_audit_webhook_responses_total{code="413"} 1' in metrics
    assert 'peregrine_audit_webhook_responses_total{code="415"} 1' in metrics
    alerts = w.stop()
    assert [a["rule"] for a in alerts] == ["Shell Or Attach Into Pod"] * len(load_cases()[0][1])


def test_retried_batch_alerts_once(webhook):
    w = webhook()
    batch = event_list(load_cases()[0][1])
    conn = w.connection()
    assert post(conn, batch)[0] == 200
    status, body = post(conn, batch)
    assert status == 200 and "already seen" in body
    assert len(w.stop()) == len(batch["items"])


def test_sighup_and_file_changes_reload_rules(webhook, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    rule = ("- rule: {name}\n  desc: d\n  condition: ka.verb = delete\n"
            "  output: \"{name} (user=%ka.user.name)\"\n  priority: NOTICE\n  source: k8s_audit\n")
    (rules / "r.yaml").write_text(rule.format(name="Before"))
    w = webhook(rules=rules)
    ev = merge_patch(yaml.safe_load(CASES.read_text())["base"], {"verb": "delete", "auditID": "x1"})

    (rules / "r.yaml").write_text("- rule: Broken\n  condition: ka.verb = = delete\n")
    w.proc.send_signal(signal.SIGHUP)
    assert f"{rules / 'r.yaml'}:" in w.wait_log("keeping the previous rules") + "".join(w.stderr)
    (rules / "r.yaml").write_text(rule.format(name="After"))
    w.proc.send_signal(signal.SIGHUP)
    w.wait_log("rules reloaded")
    assert post(w.connection(), event_list([ev]))[0] == 200
    assert [a["rule"] for a in w.stop()] == ["After"]


def test_usage_errors(peregrine, pki):
    assert "needs --tls-cert" in peregrine("audit-webhook", "--rules", RULES, check=1).stderr
    proc = peregrine("audit-webhook", "--rules", RULES, "--tls-cert", pki / "server.crt",
                     "--tls-key", pki / "server.key", check=1)
    assert "--client-ca or --token-file" in proc.stderr
    proc = peregrine("audit-webhook", "--rules", RULES, "--tls-cert", pki / "server.crt",
                     "--tls-key", pki / "ca.key", "--client-ca", pki / "ca.crt",
                     "--listen", "127.0.0.1:0", check=1)
    assert "does not match" in proc.stderr
    assert "usage: peregrine audit-webhook" in peregrine("audit-webhook", "--help", check=0).stdout
