"""The agent in cluster mode, live (eBPF), against the API test server: it runs the rule bundle
assigned to its node, switches bundles within about a second of the assignment changing,
keeps its rules when a bundle is corrupt, reports all of it on its Lease, names containers after
the pods that list their ids, and scopes a tenant's rules to the tenant's namespace.

The bundle objects are built here by hand, as the operator would (the cluster contract in
agent/kube/README.md)."""
import base64
import gzip
import hashlib
import json
import pathlib
import re
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
from simulated_pod import SimulatedContainer  # noqa: E402
from kube_helpers import ApiServer  # noqa: E402

NS = "peregrine-system"
NODE = "node-1"
LEASE = f"/apis/coordination.k8s.io/v1/namespaces/{NS}/leases/peregrine-agent-{NODE}"

OUTPUT = "%proc.cmdline pod=%k8s.pod.name ns=%k8s.ns.name container=%container.id"


def shadow_rule(name):
    return f"""- rule: {name}
  desc: /etc/shadow opened for reading
  condition: evt.type in (open, openat, openat2) and evt.is_open_read = true and fd.name = /etc/shadow
  output: "{name}: {OUTPUT}"
  priority: WARNING
"""


TENANT_RULE = f"""- rule: Tenant hostname read
  desc: a tenant's own rule
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/hostname
  output: "Tenant hostname read: {OUTPUT}"
  priority: NOTICE
"""


class Api:
    def __init__(self, url):
        self.url = url

    def call(self, method, path, body=None, content_type="application/json"):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, method=method, data=data,
                                     headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.load(resp)
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"{}")

    def create(self, path, obj):
        status, out = self.call("POST", path, obj)
        assert status in (200, 201), (status, out)
        return out

    def apply(self, path, obj):
        """Create, or replace when it exists."""
        status, out = self.call("POST", path, obj)
        if status == 409:
            name = obj["metadata"]["name"]
            cur = self.call("GET", f"{path}/{name}")[1]
            obj = dict(obj, metadata=dict(obj["metadata"], resourceVersion=cur["metadata"]["resourceVersion"]))
            status, out = self.call("PUT", f"{path}/{name}", obj)
        assert status in (200, 201), (status, out)
        return out

    def get(self, path):
        return self.call("GET", path)


def configmap(name, data=None, binary=None, labels=None):
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": NS}}
    if labels:
        obj["metadata"]["labels"] = labels
    if data:
        obj["data"] = data
    if binary:
        obj["binaryData"] = binary
    return obj


def build_bundle(files, corrupt=None, gzip_files=(), outputs=None):
    """ConfigMaps of a bundle of `files` [(name, tenant, text)]: files named in gzip_files go
    gzip'd into a part object; `corrupt` names a file whose stored text differs from its sha256;
    `outputs` is the text of an outputs.yaml."""
    entries = []
    for name, tenant, text in files:
        entries.append({"name": name, "tenant": tenant, "object": None,
                        "encoding": "gzip" if name in gzip_files else "identity",
                        "sha256": hashlib.sha256(text.encode()).hexdigest()})
    # The objects' names depend on the hash, so the hash is taken with them left out.
    out_entry = None
    if outputs is not None:
        out_entry = {"name": "outputs.yaml", "object": None, "encoding": "identity",
                     "sha256": hashlib.sha256(outputs.encode()).hexdigest()}
    canonical = {"version": 1, "files": entries, "outputs": out_entry, "secret": None, "secrets": [], "rules": [],
                 "salt": uuid.uuid4().hex}
    h = hashlib.sha256(json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]
    main = f"peregrine-bundle-{h}"
    part = f"{main}-1"
    labels = {"app.kubernetes.io/part-of": "peregrine", "peregrine.dev/bundle": h}
    data, binary = {}, {}
    for entry, (name, _, text) in zip(entries, files):
        stored = text + "# tampered\n" if name == corrupt else text
        if entry["encoding"] == "gzip":
            entry["object"] = part
            binary[name] = base64.b64encode(gzip.compress(stored.encode())).decode()
        else:
            entry["object"] = main
            data[name] = stored
    if out_entry:
        out_entry["object"] = main
        data["outputs.yaml"] = outputs
    manifest = dict(canonical, hash=h)
    data["manifest.json"] = json.dumps(manifest)
    objects = [configmap(main, data=data, labels=labels)]
    if binary:
        objects.append(configmap(part, binary=binary, labels=labels))
    return h, objects


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    require_root()
    work = tmp_path_factory.mktemp("cluster")
    server = ApiServer(work)
    api = Api(server.url)
    api.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
    for ns in ("team-a", "team-b"):
        api.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    api.create("/api/v1/nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {"name": NODE}})
    kubeconfig = server.write_kubeconfig(work / "kubeconfig")
    config = work / "agent.yaml"
    config.write_text(f"bundle_dir: {work / 'bundles'}\n")
    agent = Agent([], extra_args=["--node-name", NODE, "--kubeconfig", str(kubeconfig), "--namespace", NS,
                                  "--config", str(config), "--metrics-addr", "127.0.0.1:0"])
    yield server, api, agent, work
    rc = agent.stop()
    print("\nagent log:\n" + agent.stderr())
    server.stop()
    assert rc == 0, agent.stderr()


def assign(api, h):
    api.apply(f"/api/v1/namespaces/{NS}/configmaps",
              configmap("peregrine-assignments", data={NODE: f"peregrine-bundle-{h}", "node-2": "other"}))


def publish(api, objects):
    for obj in objects:
        api.create(f"/api/v1/namespaces/{NS}/configmaps", obj)


def wait_lease(api, predicate, timeout):
    deadline = time.time() + timeout
    lease = None
    while time.time() < deadline:
        status, lease = api.get(LEASE)
        if status == 200 and predicate(lease):
            return lease
        time.sleep(0.02)
    return None


def annotations(lease):
    return lease["metadata"].get("annotations", {})


def trigger_until(agent, rule, marker, timeout, command=None):
    """Reads /etc/shadow (with `marker` in the command line) every 50 ms until `rule` alerts."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        subprocess.run(command or ["cat", "/etc/shadow", f"/nonexistent/{marker}"], capture_output=True, timeout=10)
        a = agent.wait_for(lambda a: a["rule"] == rule and marker in (fields(a).get("proc.cmdline") or ""), 0.05)
        if a:
            return a
    return None


STATE = {}


def test_lease_reports_the_assigned_bundle_and_its_rule_alerts(cluster):
    _, api, agent, _ = cluster
    h, objects = build_bundle([("000-cluster.yaml", "", shadow_rule("Bundle A shadow read"))])
    publish(api, objects)
    assign(api, h)
    lease = wait_lease(api, lambda l: annotations(l).get("peregrine.dev/bundle") == h, 10)
    assert lease, (api.get(LEASE), agent.stderr())
    assert lease["spec"]["holderIdentity"] == NODE
    assert lease["spec"]["leaseDurationSeconds"] == 30
    assert lease["spec"]["renewTime"]
    labels = lease["metadata"]["labels"]
    assert labels["peregrine.dev/component"] == "agent" and labels["peregrine.dev/node"] == NODE
    assert labels["app.kubernetes.io/part-of"] == "peregrine"
    assert "peregrine.dev/bundle-error" not in annotations(lease)
    marker = uuid.uuid4().hex[:8]
    a = trigger_until(agent, "Bundle A shadow read", marker, 5)
    assert a, agent.stderr()
    assert fields(a)["container.id"] == "host"
    STATE["a"] = h


def test_new_assignment_switches_rules_within_a_second(cluster):
    _, api, agent, _ = cluster
    tenant_file = ("010-team-a-hostname.yaml", "team-a", TENANT_RULE)
    h, objects = build_bundle([("000-cluster.yaml", "", shadow_rule("Bundle B shadow read")), tenant_file],
                              gzip_files={"010-team-a-hostname.yaml"})
    publish(api, objects)
    assert len(objects) == 2  # the tenant's file went gzip'd into a part
    marker = uuid.uuid4().hex[:8]
    start = time.time()
    assign(api, h)
    lease = wait_lease(api, lambda l: annotations(l).get("peregrine.dev/bundle") == h, 10)
    lease_latency = time.time() - start
    a = trigger_until(agent, "Bundle B shadow read", marker, 10)
    alert_latency = time.time() - start
    print(f"\nassignment -> Lease annotation {lease_latency * 1000:.0f} ms, "
          f"assignment -> first alert of the new rules {alert_latency * 1000:.0f} ms")
    assert lease, agent.stderr()
    assert a, agent.stderr()
    assert lease_latency < 5 and alert_latency < 5
    # The old rules are gone.
    old = uuid.uuid4().hex[:8]
    assert trigger_until(agent, "Bundle B shadow read", old, 5)
    assert not agent.matching(lambda x: x["rule"] == "Bundle A shadow read" and old in fields(x)["proc.cmdline"])
    STATE["b"] = h


def test_corrupt_bundle_keeps_the_old_rules_and_reports_the_error(cluster):
    _, api, agent, work = cluster
    good = STATE["b"]
    h, objects = build_bundle([("000-cluster.yaml", "", shadow_rule("Bundle C shadow read"))],
                              corrupt="000-cluster.yaml")
    publish(api, objects)
    assign(api, h)
    lease = wait_lease(api, lambda l: "peregrine.dev/bundle-error" in annotations(l), 10)
    assert lease, (api.get(LEASE), agent.stderr())
    error = annotations(lease)["peregrine.dev/bundle-error"]
    assert "sha256 mismatch" in error and "000-cluster.yaml" in error and "\n" not in error
    assert annotations(lease)["peregrine.dev/bundle"] == good
    # The node's copy of the bundle in force stays; the refused one is never applied.
    assert (work / "bundles" / good / "000-cluster.yaml").is_file()
    marker = uuid.uuid4().hex[:8]
    assert trigger_until(agent, "Bundle B shadow read", marker, 5), agent.stderr()
    assert not agent.matching(lambda x: x["rule"] == "Bundle C shadow read")

    # Rules that do not compile are refused the same way.
    h2, objects = build_bundle([("000-cluster.yaml", "", "- rule: broken\n  condition: evt.type = \n")])
    publish(api, objects)
    assign(api, h2)
    lease = wait_lease(api, lambda l: h2 in annotations(l).get("peregrine.dev/bundle-error", ""), 10)
    assert lease, (api.get(LEASE), agent.stderr())
    assert annotations(lease)["peregrine.dev/bundle"] == good
    assert (work / "bundles" / good / "000-cluster.yaml").is_file()

    # And a good bundle afterwards clears the error.
    assign(api, good)
    lease = wait_lease(api, lambda l: "peregrine.dev/bundle-error" not in annotations(l), 10)
    assert lease and annotations(lease)["peregrine.dev/bundle"] == good, api.get(LEASE)


def test_a_part_written_late_is_waited_for(cluster):
    _, api, agent, _ = cluster
    h, objects = build_bundle([("000-cluster.yaml", "", shadow_rule("Bundle B shadow read")),
                               ("010-team-a-hostname.yaml", "team-a", TENANT_RULE),
                               ("020-extra.yaml", "", "- list: extra_names\n  items: [a]\n")],
                              gzip_files={"010-team-a-hostname.yaml", "020-extra.yaml"})
    main, part = objects
    publish(api, [main])
    assign(api, h)
    lease = wait_lease(api, lambda l: part["metadata"]["name"] in annotations(l).get("peregrine.dev/bundle-error", ""),
                       10)
    assert lease, (api.get(LEASE), agent.stderr())
    assert annotations(lease)["peregrine.dev/bundle"] == STATE["b"]
    publish(api, [part])
    lease = wait_lease(api, lambda l: annotations(l).get("peregrine.dev/bundle") == h, 15)
    assert lease, (api.get(LEASE), agent.stderr())
    assert "peregrine.dev/bundle-error" not in annotations(lease)
    assign(api, STATE["b"])
    assert wait_lease(api, lambda l: annotations(l).get("peregrine.dev/bundle") == STATE["b"], 10)


def test_bundle_outputs_replace_the_agents_and_go_away_with_them(cluster):
    _, api, agent, work = cluster
    sink = work / "bundle-alerts.json"
    h, objects = build_bundle([("000-cluster.yaml", "", shadow_rule("Bundle D shadow read"))],
                              outputs=f"outputs:\n  - {{name: bundle-file, type: file, path: {sink}}}\n")
    publish(api, objects)
    assign(api, h)
    assert wait_lease(api, lambda l: annotations(l).get("peregrine.dev/bundle") == h, 10), agent.stderr()
    marker = uuid.uuid4().hex[:8]
    deadline = time.time() + 10
    found = None
    while time.time() < deadline and not found:
        subprocess.run(["cat", "/etc/shadow", f"/nonexistent/{marker}"], capture_output=True, timeout=10)
        time.sleep(0.1)
        if sink.exists():
            found = [json.loads(l) for l in sink.read_text().splitlines()
                     if marker in l and json.loads(l)["rule"] == "Bundle D shadow read"]
    assert found, agent.stderr()
    assert not agent.matching(lambda x: marker in (fields(x).get("proc.cmdline") or ""))

    # A bundle without outputs: alerts go back to the agent's own (stdout here).
    assign(api, STATE["b"])
    assert wait_lease(api, lambda l: annotations(l).get("peregrine.dev/bundle") == STATE["b"], 10)
    assert trigger_until(agent, "Bundle B shadow read", uuid.uuid4().hex[:8], 5), agent.stderr()


@pytest.fixture
def pods(cluster):
    _, api, _, _ = cluster
    made = []

    def make(ns, name):
        c = SimulatedContainer(api, ns, name, NODE)
        made.append(c)
        return c

    yield make
    for c in made:
        c.remove()


def in_container_until(agent, container, rule, marker, file, timeout):
    """Reads `file` inside the container until `rule` alerts for it with its pod's name: the
    pod may reach the agent a moment after the container's first events."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        container.run(f"cat {file} /nonexistent/{marker} > /dev/null 2>&1\nexit 0\n")
        a = agent.wait_for(lambda a: a["rule"] == rule and marker in (fields(a).get("proc.cmdline") or "")
                           and fields(a).get("k8s.pod.name") not in (None, "", "<NA>"), 0.2)
        if a:
            return a
    return None


def test_pod_metadata_names_the_container(cluster, pods):
    _, _, agent, _ = cluster
    web = pods("team-a", "web-1")
    marker = uuid.uuid4().hex[:8]
    a = in_container_until(agent, web, "Bundle B shadow read", marker, "/etc/shadow", 10)
    assert a, agent.stderr()
    f = fields(a)
    assert f["k8s.pod.name"] == "web-1"
    assert f["k8s.ns.name"] == "team-a"
    assert f["container.id"] == web.cid[:12]


def test_tenant_rules_see_only_their_namespace(cluster, pods):
    _, _, agent, _ = cluster
    a_pod = pods("team-a", "tenant-a")
    b_pod = pods("team-b", "tenant-b")
    marker_a, marker_b, marker_host = (uuid.uuid4().hex[:8] for _ in range(3))
    # The cluster-wide rule names each pod first: from then on both have their metadata.
    assert in_container_until(agent, a_pod, "Bundle B shadow read", marker_a, "/etc/shadow", 10), agent.stderr()
    assert in_container_until(agent, b_pod, "Bundle B shadow read", marker_b, "/etc/shadow", 10), agent.stderr()
    a_pod.run(f"cat /etc/hostname /nonexistent/{marker_a}-h > /dev/null 2>&1\nexit 0\n")
    b_pod.run(f"cat /etc/hostname /nonexistent/{marker_b}-h > /dev/null 2>&1\nexit 0\n")
    subprocess.run(["cat", "/etc/hostname", f"/nonexistent/{marker_host}-h"], capture_output=True, timeout=10)
    hit = agent.wait_for(lambda x: x["rule"] == "Tenant hostname read"
                         and f"{marker_a}-h" in fields(x).get("proc.cmdline", ""), 3)
    assert hit, agent.stderr()
    assert fields(hit)["k8s.ns.name"] == "team-a"
    # A sentinel after the others: once it is out, anything they raised is too.
    marker_s = uuid.uuid4().hex[:8]
    assert trigger_until(agent, "Bundle B shadow read", marker_s, 5)
    for m in (marker_b, marker_host):
        assert not agent.matching(lambda x: x["rule"] == "Tenant hostname read"
                                  and f"{m}-h" in fields(x).get("proc.cmdline", "")), m


def test_metrics_show_the_bundle_and_the_pods(cluster):
    _, _, agent, _ = cluster
    m = re.search(r"metrics on (http://\S+/metrics)", agent.stderr())
    assert m, agent.stderr()
    with urllib.request.urlopen(m.group(1), timeout=10) as resp:
        text = resp.read().decode()
    assert f'peregrine_agent_bundle_info{{bundle="{STATE["b"]}",error="0"}} 1' in text, text
    loads = int(re.search(r"^peregrine_agent_bundle_loads_total (\d+)$", text, re.M).group(1))
    failures = int(re.search(r"^peregrine_agent_bundle_failures_total (\d+)$", text, re.M).group(1))
    pods = int(re.search(r"^peregrine_agent_pod_containers (\d+)$", text, re.M).group(1))
    assert loads >= 5 and failures >= 3 and pods >= 3, text


def test_assignment_present_at_start_with_worker_threads(tmp_path):
    """An agent (re)started on a node that already has a bundle runs it from the first list,
    and with --workers the alerts still pass through the bundle's rules and outputs."""
    require_root()
    server = ApiServer(tmp_path)
    try:
        api = Api(server.url)
        api.create("/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": NS}})
        sink = tmp_path / "alerts.json"
        h, objects = build_bundle([("000-cluster.yaml", "", shadow_rule("Bundle E shadow read"))],
                                  gzip_files={"000-cluster.yaml"},
                                  outputs=f"outputs:\n  - {{name: f, type: file, path: {sink}}}\n")
        publish(api, objects)
        assign(api, h)
        config = tmp_path / "agent.yaml"
        config.write_text(f"bundle_dir: {tmp_path / 'bundles'}\nsecrets_dir: {tmp_path / 'secrets'}\n")
        agent = Agent([], extra_args=["--node-name", NODE, "--kubeconfig", str(server.write_kubeconfig(
            tmp_path / "kubeconfig")), "--config", str(config), "--workers", "2"])
        try:
            assert wait_lease(api, lambda l: annotations(l).get("peregrine.dev/bundle") == h, 10), agent.stderr()
            marker = uuid.uuid4().hex[:8]
            deadline = time.time() + 10
            found = []
            while time.time() < deadline and not found:
                subprocess.run(["cat", "/etc/shadow", f"/nonexistent/{marker}"], capture_output=True, timeout=10)
                time.sleep(0.1)
                if sink.exists():
                    found = [l for l in sink.read_text().splitlines() if marker in l and "Bundle E" in l]
            assert found, agent.stderr()
        finally:
            assert agent.stop() == 0, agent.stderr()
    finally:
        server.stop()
