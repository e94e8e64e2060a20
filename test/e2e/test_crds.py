"""The Peregrine custom resources (crds/, config/crd, config/samples): their shape, their schemas,
and real kubectl (1.32 and the oldest and newest installed beside it) against the API test server.

The API test server does not validate custom resources against openAPIV3Schema (it stores what it
is given), so schema validation is checked here by a small validator of the structural-schema
constructs the CRDs use; a test makes sure the CRDs use no construct it does not understand."""
import copy
import json
import pathlib
import re

import pytest
import yaml

from kube_helpers import Kubectl, versions_under_test

ROOT = pathlib.Path(__file__).resolve().parents[2]
CRDS = ROOT / "crds"
SAMPLES = ROOT / "config" / "samples"
VERSIONS, FOUND = versions_under_test()

KINDS = {  # kind -> (file stem, plural, short name)
    "FalcoRule": ("falcorules", "falcorules", "fr"),
    "FalcoOutput": ("falcooutputs", "falcooutputs", "fo"),
    "FalcoAlert": ("falcoalerts", "falcoalerts", "fa"),
}
SINK_TYPES = ["stdout", "file", "program", "syslog", "webhook", "slack", "teams", "alertmanager", "loki",
              "elasticsearch", "nats", "mqtt", "kafka", "redis", "falcoalert"]
PRIORITIES = ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"]
COLUMNS = {  # printed headers (kubectl upper-cases the column names), in order, default view
    "FalcoRule": ["ACCEPTED", "APPLIED", "ORDER", "AGE"],
    "FalcoOutput": ["TYPE", "MIN PRIORITY", "ACCEPTED", "AGE"],
    "FalcoAlert": ["RULE", "PRIORITY", "POD", "NODE", "COUNT", "LAST SEEN", "AGE"],
}
# Short names of the built-in kinds of Kubernetes 1.33 (kubectl api-resources on a real cluster).
BUILTIN_SHORT_NAMES = {"cs", "cm", "ep", "ev", "limits", "ns", "no", "pvc", "pv", "po", "rc", "quota", "sa",
                       "svc", "crd", "crds", "ds", "deploy", "rs", "sts", "hpa", "cj", "csr", "ing", "netpol",
                       "pdb", "pc", "psp", "sc", "vac", "ippools", "eps"}


def load_crd(kind):
    return yaml.safe_load((CRDS / f"peregrine.dev_{KINDS[kind][0]}.yaml").read_text())


def load_sample(kind):
    return yaml.safe_load((SAMPLES / f"peregrine.dev_v1alpha1_{kind.lower()}.yaml").read_text())


def version_of(crd):
    [v] = crd["spec"]["versions"]
    return v


def schema_of(kind):
    return version_of(load_crd(kind))["schema"]["openAPIV3Schema"]


# ------------------------------------------------------------------ a structural-schema validator

SUPPORTED_KEYWORDS = {
    "description", "type", "properties", "required", "additionalProperties", "items", "enum", "default",
    "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "maxProperties", "format",
    "x-kubernetes-preserve-unknown-fields", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
    "x-kubernetes-map-type",
}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
INT_FORMATS = ("int32", "int64")


def walk_schema(node, path="<root>"):
    """Yields (path, schema node) for every node of a schema."""
    yield path, node
    for name, child in node.get("properties", {}).items():
        yield from walk_schema(child, f"{path}.{name}")
    if isinstance(node.get("additionalProperties"), dict):
        yield from walk_schema(node["additionalProperties"], f"{path}[*]")
    if "items" in node:
        yield from walk_schema(node["items"], f"{path}[]")


def type_ok(value, t):
    return {"object": lambda: isinstance(value, dict),
            "array": lambda: isinstance(value, list),
            "string": lambda: isinstance(value, str),
            "boolean": lambda: isinstance(value, bool),
            "integer": lambda: isinstance(value, int) and not isinstance(value, bool),
            "number": lambda: isinstance(value, (int, float)) and not isinstance(value, bool)}[t]()


def validate(value, schema, path="", root=True):
    """Errors of `value` against `schema`, worded like the API server's field errors. Unknown fields
    are errors, as with kubectl's default strict field validation on a real cluster."""
    errors = []
    t = schema.get("type")
    if t and not type_ok(value, t):
        return [f"{path}: Invalid value: must be of type {t}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: Unsupported value: {json.dumps(value)}")
    if t in ("integer", "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: Invalid value: should be greater than or equal to {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: Invalid value: should be less than or equal to {schema['maximum']}")
    if t == "string":
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(f"{path}: Invalid value: should be at least {schema['minLength']} chars long")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: Too long: may not be more than {schema['maxLength']} bytes")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: Invalid value: should match '{schema['pattern']}'")
        if schema.get("format") == "date-time" and not RFC3339.match(value):
            errors.append(f"{path}: Invalid value: should be a date-time")
    if t == "array":
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{path}: Invalid value: should have at least {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: Too many: must have at most {schema['maxItems']} items")
        for i, item in enumerate(value):
            errors += validate(item, schema["items"], f"{path}[{i}]", False)
        kind = schema.get("x-kubernetes-list-type")
        if kind == "set" and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
            errors.append(f"{path}: Duplicate value")
        if kind == "map":
            keys = [tuple(json.dumps(v.get(k)) for k in schema["x-kubernetes-list-map-keys"])
                    for v in value if isinstance(v, dict)]
            if len(set(keys)) != len(keys):
                errors.append(f"{path}: Duplicate value: map keys must be unique")
    if t == "object":
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            errors.append(f"{path}: Too many: must have at most {schema['maxProperties']} items")
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}.{name}: Required value".lstrip("."))
        props = schema.get("properties")
        for name, v in value.items():
            sub = f"{path}.{name}".lstrip(".")
            if props is not None and name in props:
                if root and name == "metadata":
                    continue  # metadata is the API server's own business
                errors += validate(v, props[name], sub, False)
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += validate(v, schema["additionalProperties"], sub, False)
            elif not schema.get("x-kubernetes-preserve-unknown-fields"):
                errors.append(f'unknown field "{sub}"')
    return errors


def validate_object(obj):
    return validate(obj, schema_of(obj["kind"]))


# ------------------------------------------------------------------ the CRD files themselves

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_crd_names_scope_status_and_categories(kind):
    stem, plural, short = KINDS[kind]
    crd = load_crd(kind)
    assert crd["apiVersion"] == "apiextensions.k8s.io/v1" and crd["kind"] == "CustomResourceDefinition"
    assert crd["metadata"]["name"] == f"{plural}.peregrine.dev"
    spec = crd["spec"]
    assert spec["group"] == "peregrine.dev" and spec["scope"] == "Namespaced"
    assert spec["names"]["kind"] == kind and spec["names"]["plural"] == plural
    assert spec["names"]["singular"] == kind.lower()
    assert spec["names"]["shortNames"] == [short]
    assert spec["names"]["categories"] == ["peregrine"]
    v = version_of(crd)
    assert (v["name"], v["served"], v["storage"]) == ("v1alpha1", True, True)
    assert v["subresources"] == {"status": {}}
    schema = v["schema"]["openAPIV3Schema"]
    assert schema["type"] == "object" and schema["required"] == ["spec"]
    assert {"spec", "status"} <= set(schema["properties"])


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_printer_columns(kind):
    columns = version_of(load_crd(kind))["additionalPrinterColumns"]
    shown = [c for c in columns if c.get("priority", 0) == 0]
    assert [c["name"].upper() for c in shown] == COLUMNS[kind]
    assert shown[-1] == {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
    by_name = {c["name"].upper(): c for c in columns}
    for name, c in by_name.items():
        assert c["type"] in ("string", "integer", "number", "boolean", "date"), c
    if kind == "FalcoAlert":
        assert by_name["LAST SEEN"]["type"] == "date" and by_name["LAST SEEN"]["jsonPath"] == ".spec.lastSeen"
        assert by_name["COUNT"]["type"] == "integer"
    if kind in ("FalcoRule", "FalcoOutput"):
        assert by_name["ACCEPTED"]["jsonPath"] == '.status.conditions[?(@.type=="Accepted")].status'


def test_short_names_do_not_clash():
    shorts = [KINDS[k][2] for k in KINDS]
    assert len(set(shorts)) == len(shorts)
    assert not set(shorts) & BUILTIN_SHORT_NAMES


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_schema_is_structural_and_constrains_every_field(kind):
    schema = schema_of(kind)
    for path, node in walk_schema(schema):
        assert set(node) <= SUPPORTED_KEYWORDS, (path, set(node) - SUPPORTED_KEYWORDS)
        assert "type" in node, f"{path}: a structural schema needs a type"
        assert not ("properties" in node and "additionalProperties" in node), path
        if path == "<root>.metadata":
            continue
        if path != "<root>" and not path.endswith("[]") and not path.endswith("[*]"):
            assert node.get("description"), f"{path}: no description (kubectl explain shows it)"
        if node["type"] == "object":
            assert ("properties" in node or isinstance(node.get("additionalProperties"), dict)
                    or node.get("x-kubernetes-preserve-unknown-fields")), f"{path}: an object with no schema"
        if node["type"] == "array":
            assert "maxItems" in node and "x-kubernetes-list-type" in node, path
        if node["type"] == "string" and path not in ("<root>.apiVersion", "<root>.kind"):
            assert {"enum", "format", "maxLength"} & set(node), f"{path}: unbounded string"
        if node["type"] == "integer":
            assert node.get("format") in INT_FORMATS, path
            assert "minimum" in node, f"{path}: no minimum"
        if "default" in node:
            assert validate(node["default"], node, path) == [], path
        if node.get("x-kubernetes-list-type") == "map":
            for key in node["x-kubernetes-list-map-keys"]:
                assert key in node["items"]["required"], (path, key)


def test_enums_match_sinks_and_falco_priorities():
    out = schema_of("FalcoOutput")["properties"]["spec"]
    assert out["properties"]["type"]["enum"] == SINK_TYPES
    assert out["properties"]["minimumPriority"]["enum"] == [p.lower() for p in PRIORITIES]
    assert out["properties"]["minimumPriority"]["default"] == "debug"
    alert = schema_of("FalcoAlert")["properties"]["spec"]
    assert alert["properties"]["priority"]["enum"] == PRIORITIES
    assert alert["properties"]["sampleFields"]["x-kubernetes-preserve-unknown-fields"] is True
    rule = schema_of("FalcoRule")["properties"]["spec"]
    assert rule["properties"]["order"]["default"] == 0
    assert set(rule["properties"]["nodeSelector"]["properties"]) == {"matchLabels", "matchExpressions"}


def test_credentials_only_through_secret_references():
    spec = schema_of("FalcoOutput")["properties"]["spec"]
    secretish = re.compile(r"password|token|secret|credential|auth|apikey|private", re.I)
    for path, node in walk_schema(spec):
        leaf = path.rsplit(".", 1)[-1].removesuffix("[*]")
        if secretish.search(leaf):
            assert leaf.endswith("SecretRef") or leaf.endswith("SecretRefs"), f"{path}: inline credential field"
        if leaf.endswith("SecretRef"):
            assert node["required"] == ["name", "key"] and set(node["properties"]) == {"name", "key"}, path
    tls = spec["properties"]["tls"]["properties"]
    assert set(tls) == {"caSecretRef", "certSecretRef", "keySecretRef", "insecureSkipVerify"}


def test_conditions_have_the_metav1_condition_shape():
    for kind, types in (("FalcoRule", ["Accepted", "Applied"]), ("FalcoOutput", ["Accepted", "Applied"]),
                        ("FalcoAlert", None)):
        status = schema_of(kind)["properties"]["status"]["properties"]
        assert status["observedGeneration"]["type"] == "integer"
        cond = status["conditions"]
        assert cond["x-kubernetes-list-type"] == "map" and cond["x-kubernetes-list-map-keys"] == ["type"]
        item = cond["items"]
        assert set(item["properties"]) == {"type", "status", "observedGeneration", "lastTransitionTime", "reason",
                                           "message"}
        assert item["required"] == ["type", "status", "lastTransitionTime", "reason", "message"]
        assert item["properties"]["status"]["enum"] == ["True", "False", "Unknown"]
        assert item["properties"]["type"].get("enum") == types
        if kind != "FalcoAlert":
            assert set(status["agents"]["properties"]) == {"desired", "applied"}


# ------------------------------------------------------------------ samples and validation

def test_kustomizations_list_every_crd_and_sample():
    crds = yaml.safe_load((CRDS / "kustomization.yaml").read_text())
    assert sorted(crds["resources"]) == sorted(f"peregrine.dev_{KINDS[k][0]}.yaml" for k in KINDS)
    assert yaml.safe_load((ROOT / "config" / "crd" / "kustomization.yaml").read_text())["resources"] == ["../../crds"]
    samples = yaml.safe_load((SAMPLES / "kustomization.yaml").read_text())
    assert sorted(samples["resources"]) == sorted(f"peregrine.dev_v1alpha1_{k.lower()}.yaml" for k in KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_sample_is_valid(kind):
    sample = load_sample(kind)
    assert sample["apiVersion"] == "peregrine.dev/v1alpha1" and sample["kind"] == kind
    assert validate_object(sample) == []


def test_sample_falcooutput_secret_comes_from_the_samples_kustomization():
    ref = load_sample("FalcoOutput")["spec"]["headerSecretRefs"]["Authorization"]
    [gen] = yaml.safe_load((SAMPLES / "kustomization.yaml").read_text())["secretGenerator"]
    assert gen["name"] == ref["name"] and gen["options"]["disableNameSuffixHash"] is True
    assert any(lit.startswith(ref["key"] + "=") for lit in gen["literals"])


def test_sample_falcorule_rules_validate_with_peregrine(peregrine, tmp_path):
    rules = tmp_path / "sample.yaml"
    rules.write_text(load_sample("FalcoRule")["spec"]["rules"])
    proc = peregrine("validate", "-o", "json", rules, check=0)
    [f] = json.loads(proc.stdout)["files"]
    assert f["errors"] == [] and f["warnings"] == []
    assert (f["rules"], f["macros"], f["lists"]) == (1, 1, 1)


def mutated(kind, edit):
    obj = copy.deepcopy(load_sample(kind))
    edit(obj)
    return obj


def set_path(path, value):
    def edit(obj):
        *parents, last = path.split(".")
        node = obj
        for p in parents:
            node = node.setdefault(p, {})
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return edit


DELETE = object()
CONDITION = {"type": "Accepted", "status": "True", "reason": "Compiled", "message": "ok",
             "lastTransitionTime": "2025-01-15T10:00:00Z", "observedGeneration": 1}

INVALID = [
    ("FalcoRule", "spec.rules", DELETE, "spec.rules: Required value"),
    ("FalcoRule", "spec.rules", "", "spec.rules: Invalid value: should be at least 1 chars long"),
    ("FalcoRule", "spec.order", "first", "spec.order: Invalid value: must be of type integer"),
    ("FalcoRule", "spec.order", 2_000_000, "spec.order: Invalid value: should be less than or equal to 1000000"),
    ("FalcoRule", "spec.nodeSelector", {"matchExpressions": [{"key": "a", "operator": "Equals"}]},
     'spec.nodeSelector.matchExpressions[0].operator: Unsupported value: "Equals"'),
    ("FalcoRule", "spec.nodeSelector", {"role": "edge"}, 'unknown field "spec.nodeSelector.role"'),
    ("FalcoRule", "status", {"conditions": [dict(CONDITION, type="Ready")]},
     'status.conditions[0].type: Unsupported value: "Ready"'),
    ("FalcoRule", "status", {"conditions": [dict(CONDITION, status="Maybe")]},
     'status.conditions[0].status: Unsupported value: "Maybe"'),
    ("FalcoRule", "status", {"conditions": [CONDITION, CONDITION]},
     "status.conditions: Duplicate value: map keys must be unique"),
    ("FalcoRule", "status", {"agents": {"desired": -1, "applied": 0}},
     "status.agents.desired: Invalid value: should be greater than or equal to 0"),
    ("FalcoOutput", "spec.type", "email", 'spec.type: Unsupported value: "email"'),
    ("FalcoOutput", "spec.type", DELETE, "spec.type: Required value"),
    ("FalcoOutput", "spec.minimumPriority", "loud", 'spec.minimumPriority: Unsupported value: "loud"'),
    ("FalcoOutput", "spec.password", "hunter2", 'unknown field "spec.password"'),
    ("FalcoOutput", "spec.headerSecretRefs", {"Authorization": {"name": "creds"}},
     "spec.headerSecretRefs.Authorization.key: Required value"),
    ("FalcoOutput", "spec.tls", {"keyFile": "/etc/key.pem"}, 'unknown field "spec.tls.keyFile"'),
    ("FalcoOutput", "spec.port", 70000, "spec.port: Invalid value: should be less than or equal to 65535"),
    ("FalcoOutput", "spec.url", "ftp://example", "spec.url: Invalid value: should match '^https?://'"),
    ("FalcoOutput", "spec.tags", {"include": ["a", "a"]}, "spec.tags.include: Duplicate value"),
    ("FalcoOutput", "spec.customFields", {"n": 1}, "spec.customFields.n: Invalid value: must be of type string"),
    ("FalcoAlert", "spec.count", 0, "spec.count: Invalid value: should be greater than or equal to 1"),
    ("FalcoAlert", "spec.priority", "WARNING", 'spec.priority: Unsupported value: "WARNING"'),
    ("FalcoAlert", "spec.lastSeen", "yesterday", "spec.lastSeen: Invalid value: should be a date-time"),
    ("FalcoAlert", "spec.rule", DELETE, "spec.rule: Required value"),
    ("FalcoAlert", "spec.rule", "x" * 1025, "spec.rule: Too long: may not be more than 1024 bytes"),
]


@pytest.mark.parametrize("kind,path,value,expected", INVALID, ids=[f"{k}-{p}-{e.split(':')[-1].strip()[:24]}"
                                                                   for k, p, _, e in INVALID])
def test_invalid_object_is_rejected_by_schema(kind, path, value, expected):
    assert validate_object(mutated(kind, set_path(path, value))) == [expected]


@pytest.mark.parametrize("spec", [
    {"type": "slack", "urlSecretRef": {"name": "slack", "key": "url"}, "channel": "#alerts"},
    {"type": "redis", "host": "redis.db", "port": 6379, "mode": "stream", "passwordSecretRef": {"name": "r", "key": "p"}},
    {"type": "kafka", "brokers": "k1:9092,k2:9092", "topic": "falco", "properties": {"acks": "all"}},
    {"type": "falcoalert", "minimumPriority": "notice"},
    {"type": "stdout", "format": "text", "template": "${priority} ${rule}", "delivery": {"queueCapacity": 100}},
])
def test_other_sink_specs_are_valid(spec):
    assert validate_object({"apiVersion": "peregrine.dev/v1alpha1", "kind": "FalcoOutput",
                            "metadata": {"name": "o"}, "spec": spec}) == []


def test_alert_sample_fields_take_any_json():
    obj = mutated("FalcoAlert", set_path("spec.sampleFields", {"a": 1, "b": None, "c": ["x"], "d": {"e": True}}))
    assert validate_object(obj) == []


# ------------------------------------------------------------------ real kubectl, API test server

@pytest.fixture(params=VERSIONS)
def kubectl(request, apiserver, tmp_path):
    kubeconfig = apiserver.write_kubeconfig(tmp_path / "kubeconfig")
    return Kubectl(FOUND[request.param], kubeconfig, tmp_path)


def install(kubectl):
    out = kubectl("apply", "-k", ROOT / "config" / "crd").stdout
    for kind in KINDS:
        assert f"customresourcedefinition.apiextensions.k8s.io/{KINDS[kind][1]}.peregrine.dev created" in out
    kubectl("wait", "--for", "condition=established", "--timeout", "20s",
            *(f"crd/{KINDS[k][1]}.peregrine.dev" for k in KINDS))
    out = kubectl("apply", "-k", SAMPLES).stdout
    assert "secret/webhook-credentials created" in out
    for kind in KINDS:
        name = load_sample(kind)["metadata"]["name"]
        assert f"{kind.lower()}.peregrine.dev/{name} created" in out


def table(kubectl, *args):
    """Rows of `kubectl get` as lists of cells, split on the header's column starts."""
    lines = kubectl("get", *args).stdout.rstrip("\n").splitlines()
    header = lines[0]
    starts = [m.start() for m in re.finditer(r"(?<!\S)\S+( \S+)*", header)]
    cut = lambda line: [line[a:b].strip() for a, b in zip(starts, starts[1:] + [None])]
    return cut(header), [cut(line) for line in lines[1:]]


def test_apply_crds_and_samples_then_get_falcoalerts(kubectl):
    install(kubectl)
    alert = load_sample("FalcoAlert")
    header, rows = table(kubectl, "falcoalerts")
    assert header == ["NAME", *COLUMNS["FalcoAlert"]]
    [row] = rows
    s = alert["spec"]
    assert row[:6] == [alert["metadata"]["name"], s["rule"], s["priority"], s["pod"], s["node"], str(s["count"])]
    assert re.fullmatch(r"\d+[smhdy]\S*", row[6]), row  # LAST SEEN: an age, as for a date column
    # Wide output adds the priority-1 columns.
    header, [row] = table(kubectl, "falcoalerts", "-o", "wide")
    assert header[header.index("SOURCE"):header.index("AGE")] == ["SOURCE", "CONTAINER"]
    assert row[header.index("SOURCE")] == "syscall" and row[header.index("CONTAINER")] == s["container"]
    # The stored object is the sample (the server kept every field).
    stored = json.loads(kubectl("get", "falcoalert", alert["metadata"]["name"], "-o", "json").stdout)
    assert stored["spec"] == s


def test_short_names_and_category(kubectl):
    install(kubectl)
    for kind, (_, plural, short) in KINDS.items():
        name = load_sample(kind)["metadata"]["name"]
        assert kubectl("get", short, "-o", "name").stdout.split() == [f"{kind.lower()}.peregrine.dev/{name}"]
    names = kubectl("get", "peregrine", "-o", "name").stdout.split()
    assert sorted(names) == sorted(f"{k.lower()}.peregrine.dev/{load_sample(k)['metadata']['name']}" for k in KINDS)
    resources = json.loads(kubectl("get", "--raw", "/apis/peregrine.dev/v1alpha1").stdout)["resources"]
    assert sorted(r["name"] for r in resources) == sorted(
        n for k in KINDS for n in (KINDS[k][1], KINDS[k][1] + "/status"))


def test_status_fills_rule_and_output_columns(kubectl):
    install(kubectl)
    header, [row] = table(kubectl, "falcorules")
    assert header == ["NAME", *COLUMNS["FalcoRule"]]
    assert row == ["sensitive-file-read", "", "", "10", row[4]]
    status = {"observedGeneration": 1, "agents": {"desired": 2, "applied": 1},
              "conditions": [CONDITION, dict(CONDITION, type="Applied", status="False", reason="Rolling",
                                              message="1 of 2 agents run generation 1")]}
    assert validate_object(dict(load_sample("FalcoRule"), status=status)) == []
    kubectl("patch", "falcorule", "sensitive-file-read", "--subresource=status", "--type=merge",
            "-p", json.dumps({"status": status}))
    header, [row] = table(kubectl, "fr", "-o", "wide")
    assert header == ["NAME", "ACCEPTED", "APPLIED", "ORDER", "AGENTS", "AGE"]
    assert row[:5] == ["sensitive-file-read", "True", "False", "10", "1"]
    # A write to the main resource keeps the status (the status subresource owns it).
    kubectl("patch", "falcorule", "sensitive-file-read", "--type=merge", "-p", '{"spec":{"order":20}}')
    obj = json.loads(kubectl("get", "fr", "sensitive-file-read", "-o", "json").stdout)
    assert obj["spec"]["order"] == 20 and obj["metadata"]["generation"] == 2 and obj["status"] == status

    header, [row] = table(kubectl, "falcooutputs")
    assert header == ["NAME", *COLUMNS["FalcoOutput"]]
    assert row[:4] == ["siem-webhook", "webhook", "warning", ""]
    kubectl("patch", "falcooutput", "siem-webhook", "--subresource=status", "--type=merge",
            "-p", json.dumps({"status": {"conditions": [dict(CONDITION, status="False", reason="SecretNotFound",
                                                             message="secret default/webhook-credentials ...")]}}))
    assert table(kubectl, "fo")[1][0][:4] == ["siem-webhook", "webhook", "warning", "False"]
