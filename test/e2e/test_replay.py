"""`peregrine replay --source k8s_audit`: audit events through the engine, Falco-compatible alerts."""
import json
import re


def replay(peregrine, fixtures_dir, *extra, check=0):
    return peregrine("replay", "--source", "k8s_audit", "--rules", fixtures_dir / "audit_rules.yaml",
                     "--events", fixtures_dir / "audit_events.jsonl", *extra, check=check)


def test_alerts_are_falco_compatible_json(peregrine, fixtures_dir):
    proc = replay(peregrine, fixtures_dir, "-o", "json")
    alerts = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [a["rule"] for a in alerts] == ["Exec into pod", "Privileged pod created", "Secret read by a person"]
    exec_alert = alerts[0]
    assert set(exec_alert) >= {"time", "rule", "priority", "source", "hostname", "output", "tags", "output_fields"}
    assert exec_alert["time"] == "2026-11-22T10:00:01.000000001Z"
    assert exec_alert["priority"] == "Notice"
    assert exec_alert["source"] == "k8s_audit"
    assert exec_alert["tags"] == ["k8s", "mitre_execution"]
    assert exec_alert["output"] == (
        "10:00:01.000000001: Notice exec into pod (user=alice pod=default/web command=sh)")
    assert exec_alert["output_fields"] == {
        "ka.user.name": "alice", "ka.target.namespace": "default", "ka.target.name": "web",
        "ka.uri.param[command]": "sh"}
    priv = alerts[1]
    assert priv["priority"] == "Warning"
    assert priv["output_fields"]["ka.resp.name"] == "evil"
    assert alerts[2]["output_fields"]["ka.target.name"] == "db-password"
    assert "replayed 6 events, 3 alerts" in proc.stderr


def test_text_output_is_the_classic_line(peregrine, fixtures_dir):
    lines = replay(peregrine, fixtures_dir).stdout.splitlines()
    assert len(lines) == 3
    assert all(re.match(r"^\d\d:\d\d:\d\d\.\d{9}: (Notice|Warning) ", l) for l in lines)


def test_bad_events_file_names_the_line(peregrine, fixtures_dir, tmp_path):
    events = tmp_path / "events.jsonl"
    events.write_text((fixtures_dir / "audit_events.jsonl").read_text().splitlines()[0] + "\n{not json\n")
    proc = peregrine("replay", "--source", "k8s_audit", "--rules", fixtures_dir / "audit_rules.yaml",
                     "--events", events, check=1)
    assert proc.stderr.startswith(f"peregrine: {events}: line 2: ")


def test_rules_that_do_not_load_are_reported(peregrine, fixtures_dir, tmp_path):
    rules = tmp_path / "r.yaml"
    rules.write_text("- rule: x\n  desc: d\n  condition: ka.verb = \n  output: o\n  priority: info\n  source: k8s_audit\n")
    proc = peregrine("replay", "--source", "k8s_audit", "--rules", rules,
                     "--events", fixtures_dir / "audit_events.jsonl", check=1)
    assert f"error: {rules}:3:" in proc.stderr
    assert proc.stderr.strip().endswith("rules did not load: 1 errors")


def test_missing_arguments(peregrine, fixtures_dir):
    assert "replay needs --events FILE" in peregrine("replay", "--rules", "x", check=1).stderr
    assert "needs at least one --rules" in peregrine("replay", "--events", "x", check=1).stderr
