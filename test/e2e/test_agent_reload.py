"""Hot reload while events flow: the rules file is rewritten while a steady stream of opens
runs; every open is alerted exactly once (no event lost, none evaluated twice), by the old
ruleset before the swap and the new one after. An invalid ruleset is rejected with its
position and the old one keeps running; SIGHUP reloads too."""
import os
import re
import pathlib
import signal
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "fixtures" / "agent"))
from agent_harness import Agent, fields  # noqa: E402

RULE = """
- rule: {name}
  desc: an open below the reload test's directory
  condition: evt.type in (open, openat, openat2) and fd.num >= 0 and fd.name startswith {dir}/
  output: "{name} opened %fd.name"
  priority: WARNING
"""


def write_rules(path, text):
    # Write-then-rename, as editors and kubelet's ConfigMap updates do.
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_reload_under_load_loses_and_doubles_nothing():
    with tempfile.TemporaryDirectory() as rules_dir, tempfile.TemporaryDirectory() as work:
        rules = pathlib.Path(rules_dir) / "rules.yaml"
        write_rules(rules, RULE.format(name="generation one", dir=work))
        agent = Agent([rules])
        try:
            total = 3000
            names = [f"{work}/f{i}" for i in range(total)]

            def load():
                for i, n in enumerate(names):
                    with open(n, "w"):
                        pass
                    if i % 10 == 0:
                        time.sleep(0.005)

            t = threading.Thread(target=load)
            t.start()
            time.sleep(0.5)
            write_rules(rules, RULE.format(name="generation two", dir=work))
            assert agent.wait_stderr("reload (rules changed)", timeout=10), agent.stderr()
            time.sleep(0.3)
            write_rules(rules, RULE.format(name="generation three", dir=work))
            t.join()
            last = names[-1]
            assert agent.wait_for(lambda a: fields(a).get("fd.name") == last, timeout=10), agent.stderr()

            seen = {}
            for a in agent.matching(lambda a: (a.get("message") or "").startswith("generation")):
                seen.setdefault(a["message"].split(" opened ")[1], []).append(a["rule"])
            missing = [n for n in names if n not in seen]
            doubled = {n: r for n, r in seen.items() if len(r) != 1}
            assert missing == [], f"{len(missing)} opens without an alert, e.g. {missing[:3]}"
            assert doubled == {}, f"opens alerted more than once: {list(doubled.items())[:3]}"
            rules_used = {r[0] for r in seen.values()}
            assert "generation one" in rules_used and "generation two" in rules_used, rules_used
            # Order holds per process: once a generation took over, no earlier one comes back.
            order = [seen[n][0] for n in names]
            gens = ["generation one", "generation two", "generation three"]
            assert [gens.index(g) for g in order] == sorted(gens.index(g) for g in order)
        finally:
            assert agent.stop() == 0, agent.stderr()


def test_invalid_ruleset_keeps_the_old_one_and_sighup_reloads():
    with tempfile.TemporaryDirectory() as rules_dir, tempfile.TemporaryDirectory() as work:
        rules = pathlib.Path(rules_dir) / "rules.yaml"
        write_rules(rules, RULE.format(name="good rule", dir=work))
        agent = Agent([rules, ])
        try:
            write_rules(rules, "- rule: broken\n  desc: x\n  condition: evt.type = open and (\n"
                               "  output: x\n  priority: WARNING\n")
            # The rejection names the file and the position of the mistake.
            assert agent.wait_stderr(f"error: {rules}:", timeout=10), agent.stderr()
            err = agent.stderr()
            assert "rejected, the previous rules stay in force" in err, err
            assert re.search(re.escape(str(rules)) + r":\d+:\d+", err), err
            path = f"{work}/after-bad-{uuid.uuid4().hex[:6]}"
            open(path, "w").close()
            a = agent.wait_for(lambda a: fields(a).get("fd.name") == path, timeout=2)
            assert a and a["rule"] == "good rule", agent.stderr()

            # Fixed on disk without a change event reaching the agent: SIGHUP picks it up.
            (pathlib.Path(rules_dir) / "rules.yaml").write_text(RULE.format(name="after hup", dir=work))
            agent.signal(signal.SIGHUP)
            deadline = time.time() + 10
            path2 = f"{work}/after-hup"
            while time.time() < deadline:
                open(path2, "w").close()
                if agent.wait_for(lambda a: a["rule"] == "after hup", timeout=0.3):
                    break
            assert agent.matching(lambda a: a["rule"] == "after hup"), agent.stderr()
        finally:
            assert agent.stop() == 0, agent.stderr()
