"""`peregrine agent --driver`: choosing between the eBPF probe and the kernel module.

This machine's kernel cannot load modules, so the kernel-module path is checked for its error
(what the agent tells a user whose module is missing); the eBPF path runs for real in the other
agent tests."""
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROOT_NEEDED = os.geteuid() != 0 and os.environ.get("CI") != "true"


@pytest.mark.skipif(ROOT_NEEDED, reason="needs root (runs for real on CI)")
def test_kmod_without_module_is_one_clear_line(peregrine, tmp_path):
    proc = peregrine("agent", "--driver", "kmod", "--rules", tmp_path, check=1)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("peregrine: cannot start the kernel module driver: ")
    assert "kernel module 'peregrine' is not loaded" in lines[0]
    assert "modprobe peregrine" in lines[0]


def test_unknown_driver_is_a_usage_error(peregrine, tmp_path):
    proc = peregrine("agent", "--driver", "dtrace", "--rules", tmp_path, check=1)
    assert "--driver must be auto, ebpf or kmod" in proc.stderr


@pytest.mark.skipif(ROOT_NEEDED, reason="needs root to drop privileges (runs for real on CI)")
def test_auto_without_privileges_says_why_for_each_driver(tmp_path):
    assert shutil.which("setpriv"), "util-linux setpriv is needed"
    rules = tmp_path / "rules.yaml"
    rules.write_text("- list: l\n  items: [a]\n")
    for p in (tmp_path, rules):
        os.chmod(p, 0o755)
    parent = tmp_path.parent
    while parent != parent.parent:  # let the unprivileged user reach the file
        os.chmod(parent, os.stat(parent).st_mode | 0o011)
        parent = parent.parent
    binary = os.environ.get("PEREGRINE_BIN", str(ROOT / "build/release/cmd/peregrine"))
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                           "--inh-caps=-all", binary, "agent", "--rules", str(rules)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    message = proc.stderr.strip().splitlines()[-1]
    assert "no driver could start. eBPF probe: " in message
    assert "Kernel module: " in message
    assert "CAP_BPF" in message
