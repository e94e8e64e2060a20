"""Real kubectl (1.32 and the oldest and newest installed beside it) against the API test
server: CRDs and their custom resources through apply, get (printer columns), get -w, patch and
delete, and built-in kinds through apply with strategic merge patch."""
import json
import queue
import threading

import pytest

from kube_helpers import Kubectl, versions_under_test

VERSIONS, FOUND = versions_under_test()

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
"""


def widget(size, color="red"):
    return f"""apiVersion: example.com/v1
kind: Widget
metadata: {{name: w1, labels: {{team: blue}}}}
spec: {{size: {size}, color: {color}}}
"""


def test_kubectl_versions_found():
    assert "1.32" in FOUND, f"kubectl 1.32 is required; found {sorted(FOUND)}"
    assert len(VERSIONS) >= 1


@pytest.fixture(params=VERSIONS)
def kubectl(request, apiserver, tmp_path):
    kubeconfig = apiserver.write_kubeconfig(tmp_path / "kubeconfig")
    return Kubectl(FOUND[request.param], kubeconfig, tmp_path)


def install_crd(kubectl, tmp_path):
    (tmp_path / "crd.yaml").write_text(CRD)
    out = kubectl("apply", "-f", tmp_path / "crd.yaml").stdout
    assert "customresourcedefinition.apiextensions.k8s.io/widgets.example.com created" in out
    kubectl("wait", "--for", "condition=established", "crd/widgets.example.com", "--timeout", "20s")


def test_apply_crd_and_custom_resource_shows_printer_columns(kubectl, tmp_path):
    install_crd(kubectl, tmp_path)
    path = tmp_path / "w.yaml"
    path.write_text(widget(3))
    assert "widget.example.com/w1 created" in kubectl("apply", "-f", path).stdout
    assert "widget.example.com/w1 unchanged" in kubectl("apply", "-f", path).stdout

    lines = kubectl("get", "widgets").stdout.splitlines()
    assert lines[0].split() == ["NAME", "SIZE", "COLOR", "AGE"]
    assert lines[1].split()[:3] == ["w1", "3", "red"]
    # Short name and category resolve through discovery.
    assert "w1" in kubectl("get", "wd").stdout
    assert "widget.example.com/w1" in kubectl("get", "all").stdout

    path.write_text(widget(5))
    assert "widget.example.com/w1 configured" in kubectl("apply", "-f", path).stdout
    obj = json.loads(kubectl("get", "widget", "w1", "-o", "json").stdout)
    assert obj["spec"]["size"] == 5
    assert obj["metadata"]["generation"] == 2
    assert "kubectl.kubernetes.io/last-applied-configuration" in obj["metadata"]["annotations"]


def read_lines(stream, out):
    for line in stream:
        out.put(line)


def wait_for_line(lines, predicate, timeout=30):
    seen = []
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no matching line within {timeout}s; saw {seen}")
        seen.append(line)
        if predicate(line):
            return line


def test_get_watch_streams_a_change(kubectl, tmp_path):
    install_crd(kubectl, tmp_path)
    (tmp_path / "w.yaml").write_text(widget(3))
    kubectl("apply", "-f", tmp_path / "w.yaml")
    proc = kubectl.popen("get", "widgets", "-w")
    try:
        lines = queue.Queue()
        threading.Thread(target=read_lines, args=(proc.stdout, lines), daemon=True).start()
        wait_for_line(lines, lambda l: l.split()[:2] == ["NAME", "SIZE"])
        wait_for_line(lines, lambda l: l.split()[:3] == ["w1", "3", "red"])
        kubectl("patch", "widget", "w1", "--type", "merge", "-p", '{"spec":{"color":"green"}}')
        wait_for_line(lines, lambda l: l.split()[:3] == ["w1", "3", "green"])
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_patch_kinds_and_status_subresource(kubectl, tmp_path):
    install_crd(kubectl, tmp_path)
    (tmp_path / "w.yaml").write_text(widget(3))
    kubectl("apply", "-f", tmp_path / "w.yaml")
    kubectl("patch", "widget", "w1", "--type", "merge", "-p", '{"spec":{"size":7}}')
    kubectl("patch", "widget", "w1", "--type", "json", "-p", '[{"op":"replace","path":"/spec/color","value":"blue"}]')
    # Custom resources do not take strategic merge patches, as on a real cluster.
    bad = kubectl("patch", "widget", "w1", "-p", '{"spec":{"size":1}}', check=False)
    assert bad.returncode != 0
    assert "unknown format" in bad.stderr or "UnsupportedMediaType" in bad.stderr, bad.stderr
    # Writes to the main resource ignore status; the status subresource takes it.
    kubectl("patch", "widget", "w1", "--type", "merge", "-p", '{"status":{"ready":true}}')
    assert "status" not in json.loads(kubectl("get", "widget", "w1", "-o", "json").stdout)
    obj = json.loads(kubectl("get", "widget", "w1", "-o", "json").stdout)
    assert obj["spec"] == {"size": 7, "color": "blue"}


def test_apply_builtin_kind_uses_strategic_merge(kubectl, tmp_path):
    cm = tmp_path / "cm.yaml"
    cm.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, labels: {a: b}}\ndata: {k: v, gone: x}\n")
    kubectl("apply", "-f", cm)
    cm.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, labels: {a: b}}\ndata: {k: v2}\n")
    assert "configmap/c1 configured" in kubectl("apply", "-f", cm).stdout
    assert json.loads(kubectl("get", "cm", "c1", "-o", "json").stdout)["data"] == {"k": "v2"}
    kubectl("patch", "configmap", "c1", "-p", '{"data":{"x":"y"}}')  # strategic is kubectl's default
    assert json.loads(kubectl("get", "cm", "c1", "-o", "json").stdout)["data"] == {"k": "v2", "x": "y"}
    assert kubectl("get", "cm", "-l", "a=b", "-o", "name").stdout.split() == ["configmap/c1"]
    assert kubectl("get", "cm", "-l", "a=c", "-o", "name").stdout.split() == []


def test_delete_object_then_crd(kubectl, tmp_path):
    install_crd(kubectl, tmp_path)
    (tmp_path / "w.yaml").write_text(widget(3))
    kubectl("apply", "-f", tmp_path / "w.yaml")
    assert 'widget.example.com "w1" deleted' in kubectl("delete", "widget", "w1").stdout
    missing = kubectl("get", "widget", "w1", check=False)
    assert missing.returncode == 1 and "NotFound" in missing.stderr
    kubectl("apply", "-f", tmp_path / "w.yaml")
    kubectl("delete", "-f", tmp_path / "crd.yaml")
    gone = kubectl("get", "widgets", check=False)
    assert gone.returncode != 0


def test_errors_are_api_status_messages(kubectl, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Not_Valid}\n")
    out = kubectl("apply", "-f", bad, check=False)
    assert out.returncode != 0 and "is invalid" in out.stderr
    out = kubectl("get", "configmap", "nope", check=False)
    assert out.returncode == 1 and 'configmaps "nope" not found' in out.stderr
