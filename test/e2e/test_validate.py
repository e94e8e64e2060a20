"""`peregrine validate`: real-world rule files load unmodified; mistakes are reported precisely."""
import json


def test_stable_ruleset_loads_with_zero_errors(peregrine, compat_dir):
    proc = peregrine("validate", "-o", "json", compat_dir / "falco_rules.yaml", check=0)
    report = json.loads(proc.stdout)
    [f] = report["files"]
    assert f["errors"] == []
    assert (f["rules"], f["macros"], f["lists"]) == (25, 87, 49)


def test_text_output_summarises_each_file(peregrine, compat_dir):
    proc = peregrine("validate", compat_dir / "falco_rules.yaml", check=0)
    assert "25 rules, 87 macros, 49 lists, 0 errors" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1].startswith("ok:")


def test_error_inside_condition_has_file_line_column_and_suggestion(peregrine, tmp_path):
    rules = tmp_path / "bad.yaml"
    rules.write_text(
        "- rule: Typo\n"
        "  desc: d\n"
        "  condition: >\n"
        "    evt.type = openat and\n"
        "    proc.nmae = bash\n"
        "  output: x\n"
        "  priority: WARNING\n")
    proc = peregrine("validate", "-o", "json", rules, check=1)
    [f] = json.loads(proc.stdout)["files"]
    [err] = f["errors"]
    assert (err["line"], err["column"]) == (5, 5)
    assert err["item"] == "rule 'Typo'"
    assert err["message"] == "unknown field 'proc.nmae', did you mean 'proc.name'?"


def test_later_file_refines_earlier_and_errors_never_half_load(peregrine, tmp_path, compat_dir):
    good = tmp_path / "local.yaml"
    good.write_text(
        "- list: shell_binaries\n"
        "  items: [fish]\n"
        "  override:\n"
        "    items: append\n"
        "- rule: Terminal shell in container\n"
        "  enabled: false\n"
        "  override:\n"
        "    enabled: replace\n")
    peregrine("validate", compat_dir / "falco_rules.yaml", good, check=0)
    bad = tmp_path / "zz_bad.yaml"
    bad.write_text("- macro: m\n  condition: (proc.name = x\n")
    proc = peregrine("validate", compat_dir / "falco_rules.yaml", good, bad, check=1)
    assert f"error: {bad}:2:14: macro 'm': expected ')' to close the '(' opened here" in proc.stdout


def test_directory_loads_yaml_files_in_name_order(peregrine, tmp_path):
    (tmp_path / "a.yaml").write_text("- list: l\n  items: [a]\n")
    (tmp_path / "b.yaml").write_text("- list: l\n  items: [b]\n  override:\n    items: append\n")
    proc = peregrine("validate", tmp_path, check=0)
    assert f"{tmp_path}/a.yaml: 0 rules, 0 macros, 1 lists" in proc.stdout


def test_usage_errors_are_one_line_on_stderr(peregrine, tmp_path):
    proc = peregrine("validate", check=1)
    assert proc.stderr == "peregrine: validate needs at least one rules file or directory\n"
    proc = peregrine("validate", tmp_path / "missing.yaml", check=1)
    assert proc.stderr.strip().endswith("missing.yaml: no such file or directory")
    proc = peregrine("validate", "-o", "xml", tmp_path, check=1)
    assert "-o must be text or json" in proc.stderr
    proc = peregrine("frobnicate", check=1)
    assert "unknown command 'frobnicate'" in proc.stderr
