"""`peregrine agent --record FILE` then `peregrine replay --source syscall --events FILE`:
the replay raises the alerts the live agent raised, field for field, and the same ones every
time."""
import json
import pathlib
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "fixtures" / "agent"))
from agent_harness import FIXTURES, Agent, fields, peregrine_bin  # noqa: E402

RULES = FIXTURES / "agent_rules.yaml"


def replay(capture):
    proc = subprocess.run([peregrine_bin(), "replay", "--source", "syscall", "--rules", str(RULES),
                           "--events", str(capture), "-o", "json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(l) for l in proc.stdout.splitlines()]


def test_replay_gives_the_live_alerts():
    with tempfile.TemporaryDirectory() as d:
        capture = pathlib.Path(d) / "events.prgncap"
        marker = uuid.uuid4().hex[:8]
        agent = Agent([RULES], ["--record", str(capture)])
        try:
            subprocess.run(["cat", "/etc/shadow", f"/nonexistent/{marker}"], capture_output=True, timeout=30)
            target = f"/etc/peregrine-replay-{marker}"
            subprocess.run(["sh", "-c", f"echo x > {target}; rm -f {target}"], timeout=30)
            assert agent.wait_for(lambda a: fields(a).get("fd.name") == target, 2), agent.stderr()
        finally:
            assert agent.stop() == 0, agent.stderr()
        live = [{k: v for k, v in a.items() if k != "_received"} for a in agent.alerts]
        ours = [a for a in live if marker in json.dumps(a)]
        assert len(ours) >= 2, live

        replayed = replay(capture)
        assert replayed == live
        assert replay(capture) == replayed  # deterministic


def test_replay_rejects_a_file_that_is_not_a_capture(tmp_path):
    bogus = tmp_path / "not-a-capture"
    bogus.write_text("hello\n")
    proc = subprocess.run([peregrine_bin(), "replay", "--source", "syscall", "--rules", str(RULES),
                           "--events", str(bogus)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "not a Peregrine capture file" in proc.stderr
