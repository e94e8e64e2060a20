"""Helpers for the kubectl end-to-end tests: start the in-memory API test server on a free
port, write a kubeconfig for it, and run a given kubectl binary against it."""
import json
import os
import pathlib
import re
import subprocess
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
KUBECTL_DIR = pathlib.Path("/usr/lib/google-cloud-sdk/bin")


def peregrine_bin():
    return os.environ.get("PEREGRINE_BIN", str(ROOT / "build" / "release" / "cmd" / "peregrine"))


def apiserver_bin():
    return os.environ.get("PEREGRINE_APISERVER_BIN",
                          str(ROOT / "build" / "release" / "test" / "apiserver" / "peregrine-test-apiserver"))


def kubectl_versions():
    """{"1.32": path, ...} of the versioned kubectl binaries the kubectl package ships, plus
    whatever `kubectl` on PATH reports when no versioned binaries exist."""
    found = {}
    if KUBECTL_DIR.is_dir():
        for p in KUBECTL_DIR.glob("kubectl.1.*"):
            m = re.fullmatch(r"kubectl\.(1\.\d+)", p.name)
            if m and os.access(p, os.X_OK):
                found[m.group(1)] = str(p)
    if not found:
        out = subprocess.run(["kubectl", "version", "--client", "-o", "json"], capture_output=True, text=True,
                             timeout=30)
        if out.returncode == 0:
            v = json.loads(out.stdout)["clientVersion"]
            found[f"{v['major']}.{v['minor'].rstrip('+')}"] = "kubectl"
    return found


def versions_under_test():
    """1.32 plus the oldest and newest kubectl found, as the CI matrix wants."""
    found = kubectl_versions()
    key = lambda v: tuple(int(x) for x in v.split("."))
    chosen = {v for v in found if v == "1.32"}
    if found:
        chosen |= {min(found, key=key), max(found, key=key)}
    return sorted(chosen, key=key), found


class ApiServer:
    """One peregrine-test-apiserver process; stop() ends it by its pid."""

    def __init__(self, workdir, *extra_args):
        self.workdir = pathlib.Path(workdir)
        port_file = self.workdir / "port"
        self.log = open(self.workdir / "apiserver.log", "w")
        self.proc = subprocess.Popen([apiserver_bin(), "--port-file", str(port_file), *extra_args],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not port_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"API test server did not start; see {self.workdir / 'apiserver.log'}")
            time.sleep(0.02)
        self.port = int(port_file.read_text())
        self.url = f"http://127.0.0.1:{self.port}"

    def admin(self, path):
        req = urllib.request.Request(self.url + path, method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.load(resp)

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=10) as resp:
            return json.load(resp)

    def write_kubeconfig(self, path, namespace="default"):
        path.write_text(f"""apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: {self.url}
users:
- name: tester
  user: {{}}
contexts:
- name: test
  context: {{cluster: test, user: tester, namespace: {namespace}}}
current-context: test
""")
        return path

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


class Kubectl:
    """Runs one kubectl binary with its own kubeconfig, HOME and discovery cache."""

    def __init__(self, binary, kubeconfig, home):
        self.binary = binary
        self.env = dict(os.environ, KUBECONFIG=str(kubeconfig), HOME=str(home))
        self.cache = str(pathlib.Path(home) / "kube-cache")

    def argv(self, *args):
        return [self.binary, "--cache-dir", self.cache, "--request-timeout", "20s", *map(str, args)]

    def __call__(self, *args, check=True, stdin=None):
        proc = subprocess.run(self.argv(*args), capture_output=True, text=True, env=self.env, input=stdin,
                              timeout=60)
        if check:
            assert proc.returncode == 0, (args, proc.returncode, proc.stdout, proc.stderr)
        return proc

    def install_peregrine(self, namespaces):
        """Peregrine's CRDs, established, and the given namespaces: every cluster test's start."""
        self("apply", "-k", ROOT / "crds")
        for crd in ("falcorules", "falcooutputs", "falcoalerts"):
            self("wait", "--for", "condition=established", f"crd/{crd}.peregrine.dev", "--timeout", "20s")
        for ns in namespaces:
            self("apply", "-f", "-", stdin=f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n")

    def popen(self, *args):
        return subprocess.Popen(self.argv(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=self.env)


def start_cluster(work, found, namespaces):
    """The API test server, a kubeconfig for it, and kubectl (1.32, or the first version found) with Peregrine's
    CRDs and `namespaces` installed: (server, kubeconfig, kubectl)."""
    server = ApiServer(work)
    kubeconfig = server.write_kubeconfig(work / "kubeconfig")
    kubectl = Kubectl(found.get("1.32") or next(iter(found.values())), kubeconfig, work)
    kubectl.install_peregrine(namespaces)
    return server, kubeconfig, kubectl
