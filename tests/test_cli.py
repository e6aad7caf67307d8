"""The command line contract (docs/contract.md): outputs, formats, overrides, and bad input without tracebacks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

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


# ---- compare -----------------------------------------------------------------------------------------------------

CRM18 = '{"method": "crm", "max_n": 18}'


def _expected_comparison(path, specs: list[dict], method: str, **overrides) -> dict:
    import explorer
    from explorer.core.validation import parse_design

    p = explorer.load_protocol(path)
    p = p.with_changes(**overrides) if overrides else p
    return explorer.compare(p, [parse_design(s, p) for s in specs], method=method).to_dict()


def test_compare_json_equals_compare_designs(protocol_file):
    r = cli("compare", str(protocol_file), "--design", "boin", "--design", CRM18, "--monte-carlo",
            "--trials", "800", "--seed", "5")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out == _expected_comparison(protocol_file, [{"method": "boin"}, json.loads(CRM18)], "monte-carlo",
                                       trials=800, seed=5)
    assert [d["label"] for d in out["designs"]] == ["3+3", "boin", "crm (max_n = 18)"]
    assert out["method"] == "monte-carlo" and out["trials"] == 800 and out["seed"] == 5
    assert CONTRACT_KEYS <= set(out["designs"][1])
    assert all(v["stderr"] > 0 for k, v in out["differences"][0].items() if k == "pcs")


def test_compare_is_exact_when_every_design_is(protocol_file):
    out = json.loads(cli("compare", str(protocol_file), "--design", '{"method": "boin", "max_n": 18}').stdout)
    assert out["method"] == "exact" and out["trials"] is None
    assert out == _expected_comparison(protocol_file, [{"method": "boin", "max_n": 18}], "exact")
    assert all(v["stderr"] == 0 for v in out["differences"][0].values() if isinstance(v, dict) and "stderr" in v)


def test_compare_csv_and_markdown_carry_the_json_numbers(protocol_file, tmp_path):
    args = ("compare", str(protocol_file), "--design", "boin", "--monte-carlo", "--trials", "500")
    out = json.loads(cli(*args).stdout)
    rows = list(csv.DictReader(io.StringIO(cli(*args, "--format", "csv").stdout)))
    assert list(rows[0]) == ["design", "versus", "metric", "level", "label", "value", "stderr"]
    sel = [float(r["value"]) for r in rows if r["design"] == "boin" and r["metric"] == "selection" and not r["versus"]]
    assert sel == pytest.approx(out["designs"][1]["selection"], abs=1e-9)
    pcs = next(r for r in rows if r["versus"] == "3+3" and r["metric"] == "pcs")
    assert float(pcs["value"]) == pytest.approx(out["differences"][0]["pcs"]["difference"], abs=1e-9)
    assert float(pcs["stderr"]) == pytest.approx(out["differences"][0]["pcs"]["stderr"], abs=1e-9)
    md_file = tmp_path / "c.md"
    r = cli(*args, "--format", "md", "--out", str(md_file))
    assert r.returncode == 0 and r.stdout == ""
    md = md_file.read_text()
    d = out["differences"][0]["pcs"]
    assert md.startswith("# CAR4SAR, Arm A") and "| | **3+3** | **boin** |" in md
    assert f"| correct selection (PCS) | {100 * d['difference']:+.1f} ± {100 * d['stderr']:.1f} pts |" in md


def test_compare_uses_the_protocol_list_unless_designs_are_given(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({**PROTOCOL, "compare": [{"method": "boin", "max_n": 18}, "mtpi2"]}))
    out = json.loads(cli("compare", str(path)).stdout)
    assert [d["label"] for d in out["designs"]] == ["3+3", "boin (max_n = 18)", "mtpi2"]
    out = json.loads(cli("compare", str(path), "--design", "i3+3").stdout)
    assert [d["label"] for d in out["designs"]] == ["3+3", "i3+3"]
    assert json.loads(cli("simulate", str(path)).stdout)["design"] == {"method": "3+3", "variant": "standard"}


@pytest.mark.parametrize("specs,words", [
    (["nope"], ["--design[1].method", '"nope"', '"boin"']),
    (["boin", '{"method": "crm", "max_n": 0}'], ["--design[2].max_n", "0 is not valid", "from 1 to 200"]),
    (['{"method": "crm",'], ["--design[1]", "not valid JSON"]),
    (['{"method": "boin", "p_sav": 0.1}'], ["--design[1].p_sav", "options are"]),
    (['{"max_n": 18}'], ["--design[1].method", "missing"]),
])
def test_compare_bad_spec_exits_2_with_the_field_named(protocol_file, specs, words):
    r = cli("compare", str(protocol_file), *(a for s in specs for a in ("--design", s)))
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr


def test_compare_refuses_nothing_to_compare_and_infeasible_exact(protocol_file, tmp_path):
    r = cli("compare", str(protocol_file))
    assert r.returncode == 2 and "nothing to compare" in r.stderr and "Traceback" not in r.stderr
    two = Path(__file__).parent.parent / "examples" / "car4sar-two-arm.json"
    r = cli("compare", str(two), "--design", "boin", "--trials", "300")  # two arms: each design in both arms
    assert r.returncode == 0 and [d["label"] for d in json.loads(r.stdout)["designs"]] == ["3+3", "boin"]
    r = cli("compare", str(protocol_file), "--design", '{"method": "crm", "cohort_size": 1, "max_n": 60}', "--exact")
    assert r.returncode == 2 and "--monte-carlo" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("command", ["simulate", "compare"])
def test_an_unwritable_out_file_is_exit_2_with_a_message(protocol_file, tmp_path, command):
    extra = ["--design", "boin"] if command == "compare" else []
    r = cli(command, str(protocol_file), *extra, "--out", str(tmp_path / "missing-folder" / "out.json"))
    assert r.returncode == 2
    assert "cannot write" in r.stderr and "missing-folder" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_exact_on_a_design_too_large_to_enumerate_says_why_and_what_to_use(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"target": 0.25, "truth": [0.05, 0.1, 0.2, 0.3, 0.45, 0.6],
                                "design": {"method": "boin", "max_n": 36, "cohort_size": 1}}))
    r = cli("simulate", str(path), "--exact")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "boin: 36 patients in cohorts of 1" in r.stderr and "states" in r.stderr
    assert "--monte-carlo" in r.stderr
    r = cli("simulate", str(path), "--trials", "500")  # auto: Monte Carlo, and it says so
    assert r.returncode == 0 and json.loads(r.stdout)["method"] == "monte-carlo"
