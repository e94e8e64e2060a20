"""Validating admission webhooks in the API test server, driven by real kubectl (1.32 and the
oldest and newest installed): a small HTTPS webhook (Python, certificate from a throw-away CA made
with the openssl CLI) refuses objects labelled deny=yes; the API server must call it as
kube-apiserver does and turn its answers, and its absence, into the same API errors."""
import base64
import json
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kube_helpers import Kubectl, versions_under_test

VERSIONS, FOUND = versions_under_test()
HOOK = "deny.peregrine.dev"
DENIAL = "objects labelled deny=yes are refused"


def openssl(cwd, *args):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("admission-pki")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other-ca"):
        openssl(d, "req", "-x509", *key, "-keyout", f"{ca}.key", "-out", f"{ca}.crt", "-subj", f"/CN={ca}",
                "-days", "2")
    (d / "server.ext").write_text("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl(d, "req", *key, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=webhook")
    openssl(d, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-extfile", "server.ext")
    return d


def ca_bundle(pki, name="ca"):
    return base64.b64encode((pki / f"{name}.crt").read_bytes()).decode()


class WebhookServer:
    """An HTTPS admission webhook. `mode` picks its answer; every review it gets is kept."""

    def __init__(self, pki):
        self.reviews = []
        self.mode = "label"
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                review = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.reviews.append({"path": self.path, "review": review})
                body = json.dumps(outer.answer(review["request"])).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(pki / "server.crt", pki / "server.key")
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}/validate"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, request):
        response = {"uid": request["uid"], "allowed": True}
        if self.mode == "bad-uid":
            response["uid"] = "not-" + request["uid"]
        if self.mode == "slow":
            time.sleep(3)
        obj = request.get("object") or request.get("oldObject") or {}
        labels = (obj.get("metadata") or {}).get("labels") or {}
        if labels.get("deny") == "yes":
            response["allowed"] = False
            response["status"] = {"code": 403, "reason": "Forbidden", "message": DENIAL}
        elif labels.get("deny") == "bare":
            response["allowed"] = False  # no status at all: the server's defaults apply
        if labels.get("warn"):
            response["warnings"] = [f"label warn={labels['warn']} is deprecated"]
        return {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "response": response}

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def webhook(pki):
    server = WebhookServer(pki)
    yield server
    server.stop()


def config_yaml(url, bundle, *, failure_policy="Fail", rules=None, timeout=5, extra=""):
    rules = rules or '[{operations: ["CREATE", "UPDATE", "DELETE"], apiGroups: [""], apiVersions: ["v1"], ' \
                     'resources: ["configmaps"]}]'
    return f"""apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {{name: deny-labelled}}
webhooks:
- name: {HOOK}
  clientConfig: {{url: "{url}", caBundle: "{bundle}"}}
  rules: {rules}
  failurePolicy: {failure_policy}
  sideEffects: None
  admissionReviewVersions: ["v1"]
  timeoutSeconds: {timeout}
{extra}"""


def configmap(name, labels):
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, labels: {json.dumps(labels)}}}\ndata: {{k: v}}\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=VERSIONS)
def kubectl(request, apiserver, tmp_path):
    return Kubectl(FOUND[request.param], apiserver.write_kubeconfig(tmp_path / "kubeconfig"), tmp_path)


def apply(kubectl, tmp_path, text, *flags, check=False):
    path = tmp_path / "obj.yaml"
    path.write_text(text)
    return kubectl("apply", "-f", path, *flags, check=check)


def test_denied_object_is_refused_with_the_webhooks_message(kubectl, webhook, pki, tmp_path):
    apply(kubectl, tmp_path, config_yaml(webhook.url, ca_bundle(pki)), check=True)
    out = apply(kubectl, tmp_path, configmap("bad", {"deny": "yes"}))
    assert out.returncode != 0
    assert f'admission webhook "{HOOK}" denied the request: {DENIAL}' in out.stderr, out.stderr
    assert "Error from server (Forbidden)" in out.stderr, out.stderr
    assert kubectl("get", "cm", "bad", check=False).returncode != 0

    out = apply(kubectl, tmp_path, configmap("good", {"team": "a"}))
    assert out.returncode == 0 and "configmap/good created" in out.stdout, out.stderr
    # An update that adds the label goes through the webhook as UPDATE and is refused too.
    out = apply(kubectl, tmp_path, configmap("good", {"team": "a", "deny": "yes"}))
    assert out.returncode != 0 and DENIAL in out.stderr, out.stderr
    assert json.loads(kubectl("get", "cm", "good", "-o", "json").stdout)["metadata"]["labels"] == {"team": "a"}
    ops = [r["review"]["request"]["operation"] for r in webhook.reviews]
    assert ops[-3:] == ["CREATE", "CREATE", "UPDATE"], ops


def test_review_is_an_admission_v1_request(kubectl, webhook, pki, tmp_path, apiserver):
    apply(kubectl, tmp_path, config_yaml(webhook.url, ca_bundle(pki)), check=True)
    apply(kubectl, tmp_path, configmap("c1", {"team": "a"}), check=True)
    entry = webhook.reviews[-1]
    assert entry["path"] == "/validate?timeout=5s"
    review = entry["review"]
    assert review["apiVersion"] == "admission.k8s.io/v1" and review["kind"] == "AdmissionReview"
    req = review["request"]
    assert req["kind"] == {"group": "", "version": "v1", "kind": "ConfigMap"}
    assert req["resource"] == {"group": "", "version": "v1", "resource": "configmaps"}
    assert req["requestKind"] == req["kind"] and req["requestResource"] == req["resource"]
    assert req["name"] == "c1" and req["namespace"] == "default" and req["operation"] == "CREATE"
    assert req["object"]["metadata"]["labels"] == {"team": "a"} and req["oldObject"] is None
    assert req["dryRun"] is False and req["options"]["kind"] == "CreateOptions"
    assert req["userInfo"]["username"] and len(req["uid"]) >= 32

    kubectl("delete", "cm", "c1")
    req = webhook.reviews[-1]["review"]["request"]
    assert req["operation"] == "DELETE" and req["object"] is None
    assert req["oldObject"]["metadata"]["name"] == "c1" and req["options"]["kind"] == "DeleteOptions"


def test_delete_of_a_protected_object_and_reasonless_denial(kubectl, webhook, pki, tmp_path):
    apply(kubectl, tmp_path, configmap("keep", {"deny": "bare"}), check=True)  # before the webhook exists
    apply(kubectl, tmp_path, config_yaml(webhook.url, ca_bundle(pki)), check=True)
    out = kubectl("delete", "cm", "keep", check=False)
    assert out.returncode != 0
    assert f'admission webhook "{HOOK}" denied the request without explanation' in out.stderr, out.stderr
    kubectl("get", "cm", "keep")


def test_warnings_reach_kubectl(kubectl, webhook, pki, tmp_path):
    apply(kubectl, tmp_path, config_yaml(webhook.url, ca_bundle(pki)), check=True)
    out = apply(kubectl, tmp_path, configmap("w", {"warn": "old"}), check=True)
    assert "Warning: label warn=old is deprecated" in out.stderr, out.stderr


def test_server_side_dry_run_is_admitted_but_not_stored(kubectl, webhook, pki, tmp_path):
    apply(kubectl, tmp_path, config_yaml(webhook.url, ca_bundle(pki)), check=True)
    out = apply(kubectl, tmp_path, configmap("dry", {"deny": "yes"}), "--dry-run=server")
    assert out.returncode != 0 and DENIAL in out.stderr, out.stderr
    out = apply(kubectl, tmp_path, configmap("dry", {"team": "a"}), "--dry-run=server")
    assert out.returncode == 0, out.stderr
    assert webhook.reviews[-1]["review"]["request"]["dryRun"] is True
    assert kubectl("get", "cm", "dry", check=False).returncode != 0


@pytest.mark.parametrize("policy", ["Fail", "Ignore"])
def test_unreachable_webhook_follows_failure_policy(kubectl, pki, tmp_path, policy):
    url = f"https://127.0.0.1:{free_port()}/validate"
    apply(kubectl, tmp_path, config_yaml(url, ca_bundle(pki), failure_policy=policy), check=True)
    out = apply(kubectl, tmp_path, configmap("c", {"team": "a"}))
    if policy == "Ignore":
        assert out.returncode == 0, out.stderr
        kubectl("get", "cm", "c")
    else:
        assert out.returncode != 0
        assert "Error from server (InternalError)" in out.stderr, out.stderr
        assert f'Internal error occurred: failed calling webhook "{HOOK}": failed to call webhook: Post "{url}' \
               in out.stderr, out.stderr
        assert kubectl("get", "cm", "c", check=False).returncode != 0


def test_untrusted_certificate_slow_answer_and_wrong_uid_are_call_failures(apiserver, webhook, pki, tmp_path):
    kubectl = Kubectl(FOUND["1.32"], apiserver.write_kubeconfig(tmp_path / "kubeconfig"), tmp_path)
    apply(kubectl, tmp_path, config_yaml(webhook.url, ca_bundle(pki, "other-ca")), check=True)
    out = apply(kubectl, tmp_path, configmap("c", {"team": "a"}))
    assert out.returncode != 0 and "failed to verify certificate: x509" in out.stderr, out.stderr

    apply(kubectl, tmp_path, config_yaml(webhook.url, ca_bundle(pki), timeout=1), check=True)
    webhook.mode = "slow"
    out = apply(kubectl, tmp_path, configmap("c", {"team": "a"}))
    assert out.returncode != 0 and "context deadline exceeded" in out.stderr, out.stderr

    webhook.mode = "bad-uid"
    out = apply(kubectl, tmp_path, configmap("c", {"team": "a"}))
    assert out.returncode != 0
    assert "received invalid webhook response: expected response.uid=" in out.stderr, out.stderr
    webhook.mode = "label"
    assert apply(kubectl, tmp_path, configmap("c", {"team": "a"})).returncode == 0


CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - {name: v1, served: true, storage: true, subresources: {status: {}},
     schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
"""


def test_custom_resources_and_the_status_subresource(apiserver, webhook, pki, tmp_path):
    kubectl = Kubectl(FOUND["1.32"], apiserver.write_kubeconfig(tmp_path / "kubeconfig"), tmp_path)
    apply(kubectl, tmp_path, CRD, check=True)
    rules = '[{operations: ["UPDATE"], apiGroups: ["example.com"], apiVersions: ["*"], resources: ["widgets/status"]}]'
    apply(kubectl, tmp_path, config_yaml(webhook.url, ca_bundle(pki), rules=rules), check=True)
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labels: {deny: 'yes'}}\nspec: {size: 1}\n"
    apply(kubectl, tmp_path, widget, check=True)  # CREATE of the main resource: not in the rules
    assert webhook.reviews == []

    status = urllib.request.Request(apiserver.url + "/apis/example.com/v1/namespaces/default/widgets/w/status",
                                    method="PATCH", data=json.dumps({"status": {"ok": True}}).encode(),
                                    headers={"Content-Type": "application/merge-patch+json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(status, timeout=20)
    assert refused.value.code == 403
    body = json.loads(refused.value.read())
    assert body["reason"] == "Forbidden" and DENIAL in body["message"]
    req = webhook.reviews[-1]["review"]["request"]
    assert req["subResource"] == "status" and req["operation"] == "UPDATE"
    assert req["kind"] == {"group": "example.com", "version": "v1", "kind": "Widget"}
    assert req["oldObject"]["spec"] == {"size": 1}


def test_namespace_selector(apiserver, webhook, pki, tmp_path):
    kubectl = Kubectl(FOUND["1.32"], apiserver.write_kubeconfig(tmp_path / "kubeconfig"), tmp_path)
    apply(kubectl, tmp_path, "apiVersion: v1\nkind: Namespace\nmetadata: {name: watched}\n", check=True)
    kubectl("label", "namespace", "watched", "peregrine.dev/admission=on")
    apply(kubectl, tmp_path, "apiVersion: v1\nkind: Namespace\nmetadata: {name: free}\n", check=True)
    extra = "  namespaceSelector: {matchLabels: {peregrine.dev/admission: 'on'}}\n"
    apply(kubectl, tmp_path, config_yaml(webhook.url, ca_bundle(pki), extra=extra), check=True)
    assert apply(kubectl, tmp_path, configmap("x", {"deny": "yes"}), "-n", "free").returncode == 0
    out = apply(kubectl, tmp_path, configmap("x", {"deny": "yes"}), "-n", "watched")
    assert out.returncode != 0 and DENIAL in out.stderr, out.stderr


def test_invalid_configuration_is_refused(apiserver, tmp_path, pki):
    kubectl = Kubectl(FOUND["1.32"], apiserver.write_kubeconfig(tmp_path / "kubeconfig"), tmp_path)
    text = config_yaml("https://127.0.0.1:1/validate", ca_bundle(pki)).replace("  sideEffects: None\n", "")
    out = apply(kubectl, tmp_path, text)
    assert out.returncode != 0
    assert "webhooks[0].sideEffects: Required value" in out.stderr, out.stderr
    out = apply(kubectl, tmp_path, config_yaml("http://127.0.0.1:1/validate", ca_bundle(pki)))
    assert out.returncode != 0 and "'https' is the only allowed URL scheme" in out.stderr, out.stderr


@pytest.mark.parametrize("policy", ["Fail", "Ignore"])
def test_service_references_cannot_be_called_and_follow_failure_policy(apiserver, tmp_path, policy):
    kubectl = Kubectl(FOUND["1.32"], apiserver.write_kubeconfig(tmp_path / "kubeconfig"), tmp_path)
    text = config_yaml("https://unused.example.com/", "", failure_policy=policy).replace(
        'clientConfig: {url: "https://unused.example.com/", caBundle: ""}',
        "clientConfig: {service: {namespace: peregrine-system, name: peregrine-webhook, path: /validate}}")
    apply(kubectl, tmp_path, text, check=True)
    out = apply(kubectl, tmp_path, configmap("c", {"team": "a"}))
    if policy == "Ignore":
        assert out.returncode == 0, out.stderr
    else:
        assert out.returncode != 0
        assert f'failed calling webhook "{HOOK}": failed to call webhook: Post ' \
               f'"https://peregrine-webhook.peregrine-system.svc:443/validate?timeout=5s"' in out.stderr, out.stderr
