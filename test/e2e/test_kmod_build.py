"""The kernel module builds with DKMS against Debian's kernel headers, with zero warnings.

This machine's kernel cannot load modules, so the build (and what modinfo says of the result)
is what is tested here; the reader of its rings is tested on byte-exact buffers in
driver/kmod_reader. Runs driver/kmod/build_dkms.sh, which needs root and the packages of
scripts/packages/kmod.txt: in CI (root) this test never skips.
"""
import os
import pathlib
import re
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "driver" / "kmod" / "build_dkms.sh"


def project_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    return re.search(r"project\(peregrine VERSION ([0-9.]+)", text).group(1)


def modinfo(ko, field):
    return subprocess.run(["modinfo", "-F", field, str(ko)], check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the DKMS build needs root, and CI runs as root")
        pytest.skip("the DKMS build needs root (dkms writes /usr/src and /var/lib/dkms)")
    out = tmp_path_factory.mktemp("kmod")
    proc = subprocess.run(["bash", str(SCRIPT), str(out)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    kver = re.search(r"for kernel (\S+)", proc.stdout).group(1)
    return out, kver


def test_module_is_built(built):
    out, _ = built
    assert (out / "peregrine.ko").stat().st_size > 0


def test_build_has_no_warnings(built):
    out, _ = built
    log = (out / "make.log").read_text()
    assert "peregrine.ko" in log
    assert not re.search(r"(^|[^a-z_])warning:", log, re.IGNORECASE | re.MULTILINE), log


def test_modinfo(built):
    out, kver = built
    ko = out / "peregrine.ko"
    assert modinfo(ko, "name") == "peregrine"
    assert modinfo(ko, "license") == "GPL"
    assert modinfo(ko, "version") == project_version()
    assert modinfo(ko, "peregrine_schema") == "1"
    assert modinfo(ko, "vermagic").split()[0] == kver
    assert "ring_bytes" in modinfo(ko, "parm")


def test_dkms_leaves_nothing_behind(built):
    version = project_version()
    assert not pathlib.Path(f"/usr/src/peregrine-{version}").exists()
    status = subprocess.run(["dkms", "status", "-m", "peregrine"], capture_output=True, text=True)
    assert "peregrine" not in status.stdout
