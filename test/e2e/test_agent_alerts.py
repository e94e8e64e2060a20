"""The agent, live, with the default rules: each attack below raises its alert within 2 s
with the right process, parent, command line, file, user and container; benign commands raise
nothing."""
import os
import pathlib
import socket
import subprocess
import sys
import time
import uuid

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "fixtures" / "agent"))
from agent_harness import DEFAULT_RULES, Agent, fields  # noqa: E402

ALERT_DEADLINE = 2.0
UNIFIED = pathlib.Path("/sys/fs/cgroup/unified")


@pytest.fixture(scope="module")
def agent():
    a = Agent([DEFAULT_RULES])
    yield a
    assert a.stop() == 0, a.stderr()


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30, **kw)


def test_cat_shadow(agent):
    marker = f"peregrine-{uuid.uuid4().hex[:8]}"
    start = time.time()
    # The marker rides along as an argument cat ignores after failing on it.
    run(["cat", "/etc/shadow", f"/nonexistent/{marker}"])
    a = agent.wait_for(lambda a: a["rule"] == "Credential file opened for reading"
                       and marker in (fields(a).get("proc.cmdline") or ""), ALERT_DEADLINE)
    assert a, agent.stderr()
    f = fields(a)
    assert a["_received"] - start < ALERT_DEADLINE
    assert f["proc.name"] == "cat"
    assert f["proc.cmdline"] == f"cat /etc/shadow /nonexistent/{marker}"
    assert f["proc.pname"] == "python3" or f["proc.pname"].startswith("python")
    assert f["fd.name"] == "/etc/shadow"
    assert f["user.name"] == "root"
    assert f["container.id"] == "host"
    assert a["priority"] == "Warning"
    assert a["source"] == "syscall"


def test_write_below_etc(agent):
    name = f"/etc/peregrine-e2e-{uuid.uuid4().hex[:8]}"
    try:
        start = time.time()
        run(["sh", "-c", f"echo x > {name}"])
        a = agent.wait_for(lambda a: a["rule"] == "File below /etc opened for writing"
                           and fields(a).get("fd.name") == name, ALERT_DEADLINE)
        assert a, agent.stderr()
        f = fields(a)
        assert a["_received"] - start < ALERT_DEADLINE
        assert f["proc.name"] == "sh"
        assert f["proc.cmdline"] == f"sh -c echo x > {name}"
        assert f["proc.pname"].startswith("python")
        assert f["user.name"] == "root"
        assert f["container.id"] == "host"
        assert "O_WRONLY" in f["evt.arg.flags"] and "O_CREAT" in f["evt.arg.flags"]
    finally:
        pathlib.Path(name).unlink(missing_ok=True)


@pytest.fixture
def container_cgroup():
    """A cgroup laid out as the kubelet does for a container, on the unified hierarchy."""
    if not (UNIFIED / "cgroup.procs").exists():
        pytest.fail("no cgroup2 hierarchy at /sys/fs/cgroup/unified")
    pod = UNIFIED / "kubepods" / "besteffort" / f"pod{uuid.uuid4()}"
    cid = uuid.uuid4().hex + uuid.uuid4().hex
    path = pod / cid
    path.mkdir(parents=True)
    yield cid, path
    for d in (path, pod):
        try:
            d.rmdir()
        except OSError:
            pass


def test_shell_in_simulated_container(agent, container_cgroup):
    cid, path = container_cgroup
    start = time.time()
    # Join the container's cgroup, then start an interactive shell as pid 1 of a new pid
    # namespace that reads /etc/shadow.
    script = f"echo $$ > {path}/cgroup.procs && exec unshare --pid --fork sh -i"
    proc = run(["sh", "-c", script], input="cat /etc/shadow > /dev/null\nexit 0\n")
    assert proc.returncode == 0, proc.stderr
    shell = agent.wait_for(lambda a: a["rule"] == "Interactive shell in container"
                           and fields(a).get("container.id") == cid[:12], ALERT_DEADLINE)
    assert shell, agent.stderr()
    f = fields(shell)
    assert f["proc.name"] == "sh"
    assert f["proc.cmdline"] == "sh -i"
    assert f["proc.pname"] == "unshare"
    assert f["user.name"] == "root"
    read = agent.wait_for(lambda a: a["rule"] == "Credential file opened for reading"
                          and fields(a).get("container.id") == cid[:12], ALERT_DEADLINE)
    assert read, agent.stderr()
    f = fields(read)
    assert f["proc.name"] == "cat"
    assert f["proc.pname"] == "sh"
    assert f["fd.name"] == "/etc/shadow"
    assert read["_received"] - start < 2 * ALERT_DEADLINE


def test_netcat_exec(agent):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        start = time.time()
        nc = subprocess.Popen(["ncat", "-e", "/bin/true", "127.0.0.1", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        conn, _ = listener.accept()
        conn.close()
        nc.wait(timeout=10)
        a = agent.wait_for(lambda a: a["rule"] == "Netcat with command execution"
                           and str(port) in (fields(a).get("proc.cmdline") or ""), ALERT_DEADLINE)
        assert a, agent.stderr()
        f = fields(a)
        assert a["_received"] - start < ALERT_DEADLINE
        assert f["proc.name"] == "ncat"
        assert f["proc.cmdline"] == f"ncat -e /bin/true 127.0.0.1 {port}"
        assert f["proc.pname"].startswith("python")
        assert f["user.name"] == "root"
        assert f["container.id"] == "host"
    finally:
        listener.close()


def test_benign_commands_raise_nothing(agent):
    marker = uuid.uuid4().hex[:8]
    tmp = f"/tmp/peregrine-benign-{marker}"
    run(["ls", "/etc", f"/tmp/{marker}-none"])
    run(["cat", "/etc/hostname", "/etc/os-release", f"/tmp/{marker}-none"])
    run(["sh", "-c", f"echo hello > {tmp}; cat {tmp}; rm {tmp}"])
    run(["id", "-u"])
    # A known alert afterwards: once it is out, anything the benign commands raised is too.
    run(["cat", "/etc/shadow", f"/nonexistent/{marker}-sentinel"])
    assert agent.wait_for(lambda a: f"{marker}-sentinel" in (fields(a).get("proc.cmdline") or ""), ALERT_DEADLINE), \
        agent.stderr()
    noise = agent.matching(lambda a: marker in (fields(a).get("proc.cmdline") or "")
                           and "sentinel" not in fields(a).get("proc.cmdline", ""))
    assert noise == [], noise
