"""The command line's numbers for the baseline protocols equal those recorded before the pipeline refactor
(tests/data/regression/baseline.json, made by make_baseline.py at the commit it names): exact results to 1e-12,
Monte Carlo with the same seed equal (to 1e-12: the same patients, the same decisions)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from explorer.cli import main

BASELINE = json.loads((Path(__file__).parent / "data" / "regression" / "baseline.json").read_text())
TOL = 1e-12


def _cli(args: list[str]) -> dict | str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return json.loads(out.getvalue()) if code == 0 else f"exit {code}: {err.getvalue().strip()}"


def _same(new, old, where: str) -> None:
    """Every key of the recorded output is in the new one with the same value (numbers to TOL); extra keys are
    allowed (the contract welcomes them)."""
    if isinstance(old, dict):
        assert isinstance(new, dict), where
        for k, v in old.items():
            if k == "warnings":  # messages may be reworded; their number must not change
                assert len(new[k]) == len(v), (where, new[k], v)
                continue
            assert k in new, f"{where}.{k} missing"
            _same(new[k], v, f"{where}.{k}")
    elif isinstance(old, list):
        assert isinstance(new, list) and len(new) == len(old), where
        for i, (a, b) in enumerate(zip(new, old)):
            _same(a, b, f"{where}[{i}]")
    elif isinstance(old, float) and not isinstance(old, bool):
        assert new == pytest.approx(old, abs=TOL, rel=TOL), (where, new, old)
    else:
        assert new == old, (where, new, old)


@pytest.mark.parametrize("case", BASELINE["simulate"], ids=[c["name"] for c in BASELINE["simulate"]])
def test_simulate_matches_baseline(case, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(case["protocol"]))
    for key, args in (("exact", ["--exact"]), ("monte_carlo", ["--monte-carlo", "--trials",
                                                                str(BASELINE["mc_trials"])])):
        old = case[key]
        new = _cli(["simulate", str(path), *args])
        if isinstance(old, str):
            assert isinstance(new, str), f"{key}: the baseline refused ({old}); now computed"
            continue
        assert isinstance(new, dict), f"{key}: {new}"
        _same(new, old, key)


@pytest.mark.parametrize("case", BASELINE["compare"], ids=[c["name"] for c in BASELINE["compare"]])
def test_compare_matches_baseline(case, tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(case["protocol"]))
    designs = [a for d in case["designs"] for a in ("--design", d)]
    for key, args in (("exact", ["--exact"]), ("monte_carlo", ["--monte-carlo", "--trials",
                                                                str(BASELINE["mc_trials"])])):
        new = _cli(["compare", str(path), *designs, *args])
        assert isinstance(new, dict), new
        _same(new, case[key], key)
