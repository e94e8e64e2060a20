"""The `outputs:` list of the config file, end to end: the agent (live, eBPF) and the audit
webhook send their alerts through the outputs module to a file sink (JSON lines) and a webhook
sink posting to a local HTTP receiver, instead of stdout."""
import http.client
import http.server
import json
import pathlib
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "fixtures" / "agent"))
from agent_harness import DEFAULT_RULES, Agent, fields, peregrine_bin  # noqa: E402
from test_audit_webhook import event_list, load_cases  # noqa: E402

DEADLINE = 5.0


class Receiver:
    """An HTTP server on 127.0.0.1 (port 0) keeping the JSON body of every POST."""

    def __init__(self):
        self.bodies = []
        self.cond = threading.Condition()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer.cond:
                    outer.bodies.append(json.loads(body))
                    outer.cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/falco"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, predicate, timeout=DEADLINE):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                found = next((b for b in self.bodies if predicate(b)), None)
                left = deadline - time.time()
                if found or left <= 0:
                    return found
                self.cond.wait(left)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def file_alerts(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def wait_file(path, predicate, timeout=DEADLINE):
    deadline = time.time() + timeout
    while True:
        found = next((a for a in file_alerts(path) if predicate(a)), None)
        if found or time.time() > deadline:
            return found
        time.sleep(0.05)


def write_config(tmp_path, outputs, **settings):
    config = tmp_path / "config.yaml"
    config.write_text(json.dumps({**settings, "outputs": outputs}))  # JSON is YAML
    return config


def test_agent_sends_alerts_to_file_and_webhook_sinks(tmp_path, receiver):
    alerts_file = tmp_path / "alerts.json"
    config = write_config(tmp_path, [
        # Relative: resolved against the config file's folder.
        {"name": "local", "type": "file", "path": "alerts.json"},
        {"name": "siem", "type": "webhook", "url": receiver.url, "batch": False,
         "delivery": {"batchSize": 1}},
    ])
    agent = Agent([DEFAULT_RULES], extra_args=["--config", str(config), "--metrics-addr", "127.0.0.1:0"])
    try:
        marker = f"peregrine-{uuid.uuid4().hex[:8]}"
        subprocess.run(["cat", "/etc/shadow", f"/nonexistent/{marker}"], capture_output=True, timeout=30)

        def wanted(a):
            return (a.get("rule") == "Credential file opened for reading"
                    and marker in (fields(a).get("proc.cmdline") or ""))

        in_file = wait_file(alerts_file, wanted)
        assert in_file, agent.stderr()
        assert fields(in_file)["fd.name"] == "/etc/shadow"
        assert in_file["priority"] == "Warning" and in_file["source"] == "syscall"
        posted = receiver.wait_for(wanted)
        assert posted, agent.stderr()
        assert fields(posted)["proc.name"] == "cat"
        # The sinks replace stdout.
        assert not agent.matching(lambda a: True)
        # /metrics carries the sinks' counters.
        line = next(l for l in agent.stderr().splitlines() if "metrics on http://" in l)
        host_port = line.split("http://", 1)[1].split("/", 1)[0]
        conn = http.client.HTTPConnection(*host_port.rsplit(":", 1), timeout=10)
        conn.request("GET", "/metrics")
        metrics = conn.getresponse().read().decode()
        assert 'peregrine_output_sent_total{sink="local"' in metrics, metrics
        assert 'peregrine_output_sent_total{sink="siem"' in metrics, metrics
    finally:
        assert agent.stop() == 0, agent.stderr()


def test_agent_sighup_reopens_the_file_sink(tmp_path):
    alerts_file = tmp_path / "alerts.json"
    config = write_config(tmp_path, [{"name": "local", "type": "file", "path": str(alerts_file)}])
    agent = Agent([DEFAULT_RULES], extra_args=["--config", str(config)])
    try:
        rotated = tmp_path / "alerts.json.1"
        marker = f"peregrine-{uuid.uuid4().hex[:8]}"
        subprocess.run(["cat", "/etc/shadow", f"/nonexistent/{marker}-a"], capture_output=True, timeout=30)
        assert wait_file(alerts_file, lambda a: f"{marker}-a" in (fields(a).get("proc.cmdline") or "")), \
            agent.stderr()
        alerts_file.rename(rotated)  # logrotate's move, then SIGHUP
        agent.signal(signal.SIGHUP)
        deadline = time.time() + DEADLINE
        found = None
        while not found and time.time() < deadline:
            subprocess.run(["cat", "/etc/shadow", f"/nonexistent/{marker}-b"], capture_output=True, timeout=30)
            found = wait_file(alerts_file, lambda a: f"{marker}-b" in (fields(a).get("proc.cmdline") or ""), 0.5)
        assert found, agent.stderr()
    finally:
        assert agent.stop() == 0, agent.stderr()


def test_agent_outputs_config_error_is_one_line_with_its_position(tmp_path, peregrine):
    config = tmp_path / "config.yaml"
    config.write_text("outputs:\n"
                      "  - {name: local, type: file, path: alerts.json}\n"
                      "  - name: siem\n"
                      "    type: webhook\n"
                      "    url: http://127.0.0.1:1/falco\n"
                      "    timeoutMsx: 10\n")
    proc = peregrine("agent", "--rules", DEFAULT_RULES, "--config", config)
    assert proc.returncode != 0
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert f"{config}:3:5: outputs[1] (siem)" in err and "timeoutMsx" in err, err


def start_webhook(config, *extra):
    proc = subprocess.Popen([peregrine_bin(), "audit-webhook", "--listen", "127.0.0.1:0", "--insecure-http",
                             "--rules", str(pathlib.Path(DEFAULT_RULES) / "k8s_audit"), "--config", str(config),
                             *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if "listening on " in line:
            return proc, int(line.rsplit(":", 1)[1].split("/")[0])
    proc.kill()
    pytest.fail("audit-webhook did not start: " + proc.communicate(timeout=30)[1])


def test_audit_webhook_sends_alerts_to_the_file_sink(tmp_path, receiver):
    alerts_file = tmp_path / "audit-alerts.json"
    config = write_config(tmp_path, [
        {"name": "local", "type": "file", "path": str(alerts_file)},
        {"name": "siem", "type": "webhook", "url": receiver.url},
    ])
    proc, port = start_webhook(config)
    try:
        rule, fires, _ = next(c for c in load_cases() if c[0] == "Shell Or Attach Into Pod")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", "/k8s-audit", body=json.dumps(event_list(fires[:1])),
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        assert resp.status == 200, resp.read()
        resp.read()
        alert = wait_file(alerts_file, lambda a: a.get("rule") == rule)
        assert alert, proc.stderr
        assert alert["source"] == "k8s_audit"
        assert alert["output_fields"]["ka.target.name"] == "cart-7d9f"
        assert receiver.wait_for(lambda a: a.get("rule") == rule)
        conn.request("GET", "/metrics")
        metrics = conn.getresponse().read().decode()
        assert 'peregrine_output_sent_total{sink="local"' in metrics, metrics
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out == ""  # the sinks replace stdout


def test_agent_with_evaluation_workers_alerts_in_order(tmp_path):
    """--workers 2: rules run on two threads; a process's alerts still come in its order."""
    agent = Agent([DEFAULT_RULES], extra_args=["--workers", "2"])
    try:
        assert agent.wait_stderr("2 evaluation thread(s)")
        marker = f"peregrine-{uuid.uuid4().hex[:8]}"
        # One process reads the file three times: three alerts, in that order.
        subprocess.run(["cat", "/etc/shadow", f"/nonexistent/{marker}", "/etc/shadow", "/etc/shadow"],
                       capture_output=True, timeout=30)

        def ours(a):
            return (a["rule"] == "Credential file opened for reading"
                    and marker in (fields(a).get("proc.cmdline") or ""))

        assert agent.wait_for(ours, DEADLINE), agent.stderr()
        deadline = time.time() + DEADLINE
        while len(agent.matching(ours)) < 2 and time.time() < deadline:
            time.sleep(0.05)
        got = agent.matching(ours)
        assert got, agent.stderr()
        times = [a["time"] for a in got]
        assert times == sorted(times), times
    finally:
        assert agent.stop() == 0, agent.stderr()
