"""`peregrine fields` and `peregrine version`."""
import json
import re


def test_fields_lists_every_compat_field_with_type_and_description(peregrine, compat_dir):
    fields = json.loads(peregrine("fields", "-o", "json", check=0).stdout)
    by_source = {}
    takes_arg = set()
    for f in fields:
        assert f["description"], f
        assert f["type"], f
        by_source.setdefault(f["source"], set()).add(f["name"])
        if f["arg"]:
            takes_arg.add((f["source"], f["name"]))
    section = None
    for line in (compat_dir / "fields.md").read_text().splitlines():
        if line.startswith("## "):
            section = re.search(r"`(\w+)`", line).group(1)
        m = re.match(r"\| `([^`]+)` \|", line)
        if m and section:
            name = m.group(1)
            # `evt.arg.flags` is field `evt.arg` with argument `flags`.
            known = name in by_source[section] or (
                (section, name.rsplit(".", 1)[0]) in takes_arg)
            assert known, f"{section}: {name}"


def test_fields_source_filter(peregrine):
    out = peregrine("fields", "--source", "k8s_audit", check=0).stdout
    assert "# source: k8s_audit" in out and "# source: syscall" not in out
    assert "ka.user.name" in out
    proc = peregrine("fields", "--source", "nope", check=1)
    assert "unknown source 'nope'" in proc.stderr


def test_version_prints_engine_version(peregrine):
    out = peregrine("version", check=0).stdout
    assert re.search(r"^peregrine \d+\.\d+\.\d+$", out, re.M)
    assert "rules engine 0.57.0" in out
