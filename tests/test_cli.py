"""The command line contract (DESIGN.md §5): outputs, formats, overrides, and bad input without tracebacks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from explorer.core.designs import design_classes

PROTOCOL = {
    "title": "CAR4SAR, Arm A",
    "target": 0.25,
    "doses": ["1e5 cells/kg", "3e5 cells/kg", "1e6 cells/kg", "3e6 cells/kg"],
    "truth": [0.05, 0.12, 0.25, 0.45],
    "start_dose": 1,
    "design": {"method": "3+3"},
    "trials": 2000,
    "seed": 2024,
}
CONTRACT_KEYS = {"method", "trials", "true_mtd", "selection", "no_selection", "patients", "dlts", "sample_size",
                 "pcs", "acceptable", "overdose_selection", "overdose_patients", "stderr"}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer.cli", *args], capture_output=True, text=True)


@pytest.fixture
def protocol_file(tmp_path):
    path = tmp_path / "protocol.json"
    path.write_text(json.dumps(PROTOCOL))
    return path


def test_simulate_json_has_the_contract_keys(protocol_file):
    r = cli("simulate", str(protocol_file))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert CONTRACT_KEYS <= set(out)
    assert out["method"] == "exact" and out["trials"] is None and out["true_mtd"] == 3
    assert len(out["selection"]) == 4
    assert set(out["stderr"]) >= {"selection", "no_selection", "patients", "dlts"}
    assert sum(out["selection"]) + out["no_selection"] == pytest.approx(1)


def test_monte_carlo_with_overrides_is_reproducible(protocol_file):
    a = cli("simulate", str(protocol_file), "--monte-carlo", "--trials", "500", "--seed", "9")
    b = cli("simulate", str(protocol_file), "--monte-carlo", "--trials", "500", "--seed", "9")
    c = cli("simulate", str(protocol_file), "--monte-carlo", "--trials", "500", "--seed", "10")
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout and a.stdout != c.stdout
    out = json.loads(a.stdout)
    assert out["method"] == "monte-carlo" and out["trials"] == 500 and out["seed"] == 9
    assert all(s > 0 for s in out["stderr"]["selection"])


def test_csv_format(protocol_file):
    r = cli("simulate", str(protocol_file), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == ["metric", "level", "label", "value", "stderr"]
    sel = [float(row["value"]) for row in rows if row["metric"] == "selection"]
    ref = json.loads(cli("simulate", str(protocol_file)).stdout)["selection"]
    assert sel == pytest.approx(ref, abs=1e-9)


def test_markdown_format_and_out_file(protocol_file, tmp_path):
    out = tmp_path / "report.md"
    r = cli("simulate", str(protocol_file), "--format", "md", "--out", str(out))
    assert r.returncode == 0 and r.stdout == ""
    text = out.read_text()
    assert text.startswith("# CAR4SAR, Arm A") and "| 3 | 1e6 cells/kg (true MTD) |" in text


def test_designs_lists_every_design_with_options_defaults_and_meaning():
    r = cli("designs")
    assert r.returncode == 0
    for method, cls in design_classes().items():
        assert method in r.stdout
        for o in cls.options:
            assert o.name in r.stdout and o.help in r.stdout
    js = json.loads(cli("designs", "--format", "json").stdout)
    assert [d["method"] for d in js] == list(design_classes())


@pytest.mark.parametrize("content,words", [
    ('{"target": 0.25, "truth": [0.1, 1.3], "design": {"method": "3+3"}}', ["truth[1]", "1.3", "outside [0, 1]"]),
    ('{"target": 0.25, "truth": [0.1, 0.3]', ["not valid JSON", "line 1"]),
    ('{"target": 0.25, "truth": [0.1, 0.3], "design": {"method": "nope"}}', ['"nope"', '"3+3"']),
    ("", ["not valid JSON"]),
])
def test_bad_protocol_exits_2_with_the_message_and_no_traceback(tmp_path, content, words):
    path = tmp_path / "bad.json"
    path.write_text(content)
    r = cli("simulate", str(path))
    assert r.returncode == 2
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr


def test_missing_file_exits_2(tmp_path):
    r = cli("simulate", str(tmp_path / "none.json"))
    assert r.returncode == 2 and "no such file" in r.stderr and "Traceback" not in r.stderr


def test_bad_override_exits_2(protocol_file):
    r = cli("simulate", str(protocol_file), "--trials", "0")
    assert r.returncode == 2 and "trials" in r.stderr and "Traceback" not in r.stderr


def test_non_monotone_truth_warns_on_stderr_and_still_answers(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({**PROTOCOL, "truth": [0.05, 0.3, 0.2, 0.45]}))
    r = cli("simulate", str(path))
    assert r.returncode == 0 and "warning" in r.stderr and "not increasing" in r.stderr
    assert json.loads(r.stdout)["warnings"]


def test_usage_errors_exit_2():
    assert cli("simulate").returncode == 2
    assert cli("frobnicate").returncode == 2
