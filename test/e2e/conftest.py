"""Shared fixtures for end-to-end tests: they run the real `peregrine` binary."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
COMPAT = ROOT.parent / "shared" / "compat"
FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def peregrine():
    path = os.environ.get("PEREGRINE_BIN", str(ROOT / "build" / "release" / "cmd" / "peregrine"))
    if not os.access(path, os.X_OK):
        pytest.fail(f"peregrine binary not found at {path}; build first (scripts/test.sh does)")

    def run(*args, check=None, stdin=None):
        proc = subprocess.run([path, *map(str, args)], capture_output=True, text=True,
                              input=stdin, timeout=120)
        if check is not None:
            assert proc.returncode == check, (proc.returncode, proc.stdout, proc.stderr)
        return proc

    return run


@pytest.fixture(scope="session")
def compat_dir():
    assert (COMPAT / "falco_rules.yaml").exists(), f"missing {COMPAT}/falco_rules.yaml"
    return COMPAT


@pytest.fixture(scope="session")
def fixtures_dir():
    return FIXTURES


@pytest.fixture
def apiserver(tmp_path):
    """A fresh in-memory API test server (test/apiserver) for one test."""
    from kube_helpers import ApiServer

    server = ApiServer(tmp_path)
    yield server
    server.stop()
