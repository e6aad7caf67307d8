"""The pipeline: one way to compute, whoever asks — chunks, budgets, cache, traces, and nothing computed elsewhere."""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import numpy as np
import pytest

import explorer
from explorer.core import pipeline
from explorer.core.errors import EXACT_NOT_AVAILABLE, EXACT_OVER_AUTO_BUDGET, MONTE_CARLO_USED, ProtocolError
from explorer.core.pipeline import ResultCache, stream, trial_trace
from explorer.core.pipeline.budget import AUTO, Budget, ExactTooLarge, Guard
from explorer.core.pipeline.engines import engine_for
from explorer.core.validation import protocol_from_dict

ROOT = Path(__file__).resolve().parents[1]
ONE = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "boin", "max_n": 18},
       "trials": 2500, "seed": 11, "method": "monte-carlo"}
TWO = json.loads((ROOT / "examples" / "car4sar-two-arm.json").read_text()) | {"trials": 2500, "seed": 3,
                                                                               "method": "monte-carlo"}


def _ocs(snap) -> list[dict]:
    return [o.to_dict() for o in snap.ocs]


@pytest.mark.parametrize("raw", [ONE, TWO], ids=["one arm", "two arms"])
def test_chunks_and_how_often_one_looks_never_change_the_numbers(raw):
    p = protocol_from_dict(raw)
    every_chunk = list(stream(p, every=0))
    assert [s.done for s in every_chunk] == [300, 2300, 2500]
    assert _ocs(every_chunk[-1]) == _ocs(pipeline.run(p))
    small_chunks = list(stream(p, first=100, chunk=700, every=0))
    assert [s.done for s in small_chunks] == [100, 800, 1500, 2200, 2500]
    assert _ocs(small_chunks[-1]) == _ocs(every_chunk[-1])  # the same patients in other chunks: the same trials


def test_compared_designs_run_on_common_patients_and_first_design_numbers_are_its_own():
    p = protocol_from_dict({**ONE, "compare": [{"method": "boin", "max_n": 18}]})
    snap = pipeline.run(p, p.candidates())
    assert _ocs(snap)[0] == _ocs(snap)[1]  # the same design twice on the same patients: identical
    assert all(v == (0.0, 0.0) for v in snap.differences[0].values())


def test_mixed_exact_and_monte_carlo_differences_add_the_errors():
    p = protocol_from_dict({**ONE, "method": "auto", "compare": [{"method": "blrm", "max_n": 18,
                                                                  "cohort_size": 1}]})
    snap = pipeline.run(p, p.candidates())
    assert [o.method for o in snap.ocs] == ["exact", "monte-carlo"]
    pcs = [o.arms[0] for o in snap.ocs]
    d, se = snap.differences[0]["pcs"]
    assert d == pytest.approx(pcs[1].pcs - pcs[0].pcs) and se == pytest.approx(pcs[1].stderr["pcs"])


def test_auto_falls_back_with_notes_and_exact_refuses_at_once_beyond_the_hard_limit():
    big = {"target": 0.25, "truth": [0.02, 0.05, 0.1, 0.2, 0.3, 0.45], "trials": 300,
           "design": {"method": "mtpi2", "max_n": 60, "cohort_size": 1}}
    snap = pipeline.run(protocol_from_dict({**big, "method": "auto"}))
    assert snap.method == "monte-carlo" and MONTE_CARLO_USED in {n.code for n in snap.notes}
    assert EXACT_OVER_AUTO_BUDGET not in {n.code for n in snap.notes}  # far beyond the hard limit too
    with pytest.raises(ProtocolError) as e:
        pipeline.run(protocol_from_dict({**big, "method": "exact"}))
    p = e.value.problems[0]
    assert p.code == EXACT_NOT_AVAILABLE and p.field == "method"
    assert "60 patients in cohorts of 1" in p.message and "states" in p.message and '"monte-carlo"' in p.message


def test_auto_hints_at_exact_where_the_hard_limit_would_allow_it():
    p = protocol_from_dict({"target": 0.25, "truth": [0.02, 0.05, 0.1, 0.2, 0.3, 0.45], "trials": 300,
                            "design": {"method": "crm", "max_n": 24, "cohort_size": 1}})
    snap = pipeline.run(p)
    assert snap.method == "monte-carlo" and EXACT_OVER_AUTO_BUDGET in {n.code for n in snap.notes}
    assert pipeline.run(p, method="exact").method == "exact"


def test_the_guard_stops_on_states_at_once_on_work_and_projects_growth():
    g = Guard(Budget(seconds=1.0, max_states=100), "x", steps=10)
    with pytest.raises(ExactTooLarge, match="more than 100 states at once"):
        for s in (10, 50, 150):
            g.check(s)
    g = Guard(Budget(seconds=AUTO.seconds, max_states=10**9), "x", steps=30)
    with pytest.raises(ExactTooLarge, match="projected from the first"):
        for s in (10**k for k in range(1, 30)):  # growing fast: stopped long before the work is done
            g.check(min(s, 10**8))
    assert g.done < AUTO.work  # it stopped before spending the budget
    g = Guard(AUTO, "x", steps=40)
    for s in [100] * 40:  # small and flat: never stopped
        g.check(s)


def test_the_same_protocol_is_exact_on_every_machine_whatever_the_clock():
    p = protocol_from_dict({"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "crm"}})
    slow = [0.0]

    def clock():  # a machine ten times slower: the budget counts work, not seconds
        slow[0] += 0.01
        return slow[0]
    engine = engine_for(p, p.candidates()[0])
    states, cost = engine.exact_estimate(AUTO)
    engine.enumerate(Guard(AUTO, "crm", engine.exact_steps, cost, clock=clock))
    assert pipeline.run(p).method == "exact"


def test_the_cache_answers_with_the_same_numbers_and_keys_on_what_matters(tmp_path):
    cache = ResultCache(tmp_path)
    p = protocol_from_dict(ONE)
    first = pipeline.run(p, cache=cache)
    files = list(tmp_path.rglob("*.json"))
    assert len(files) == 1
    again = pipeline.run(p, cache=cache)
    assert _ocs(again) == _ocs(first) and again.differences == first.differences
    assert len(list(stream(p, cache=cache))) == 1  # answered at once: no chunks
    pipeline.run(p.with_changes(title="another name"), cache=cache)  # the title does not change the numbers
    assert len(list(tmp_path.rglob("*.json"))) == 1
    pipeline.run(p.with_changes(seed=12), cache=cache)
    assert len(list(tmp_path.rglob("*.json"))) == 2
    files[0].write_text("{broken")  # a damaged entry is a miss, never an error
    assert _ocs(pipeline.run(p, cache=cache)) == _ocs(first)


def test_the_command_line_uses_the_cache(tmp_path):
    import contextlib
    import io

    from explorer.cli import main
    path = tmp_path / "p.json"
    path.write_text(json.dumps(ONE))
    outs = []
    for _ in range(2):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            assert main(["simulate", str(path), "--cache", str(tmp_path / "cache")]) == 0
        outs.append(json.loads(buf.getvalue()))
    assert outs[0] == outs[1] and list((tmp_path / "cache").rglob("*.json"))


@pytest.mark.parametrize("raw", [ONE, TWO], ids=["one arm", "two arms"])
def test_a_trace_is_a_simulated_trial(raw):
    p = protocol_from_dict(raw)
    trace = trial_trace(p, None, 4)
    assert trace == trial_trace(p, None, 4) and trace != trial_trace(p, None, 5)
    assert len(trace.selected) == len(p.arms)
    for j, arm in enumerate(p.arms):
        assert all(0 <= c.level <= arm.n_doses for c in trace.cohorts(j))
        assert sum(len(c.dlts) for c in trace.cohorts(j)) == sum(a == j for a in trace.arm)


def test_two_arm_exact_independent_arms_take_the_product_shortcut_and_agree_with_the_process():
    raw = TWO | {"method": "exact", "arm_design": {"mode": "independent", "max_total": None}}
    shortcut = explorer.simulate(raw)
    process = explorer.simulate(raw | {"arm_design": {"mode": "independent", "max_total": 48}})
    for a, b in zip(shortcut.arms, process.arms):
        np.testing.assert_allclose(a.selection, b.selection, atol=1e-12)
    assert shortcut.joint.both_correct == pytest.approx(process.joint.both_correct, abs=1e-12)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(("." * node.level) + node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return out


ENGINES = ("engine", "arms.engine", "arms.process", "arms.trace", "engine.exact", "engine.montecarlo")


@pytest.mark.parametrize("path", sorted((ROOT / "explorer" / "app").rglob("*.py")) + [ROOT / "explorer" / "cli.py",
                                                                                      ROOT / "explorer" / "api.py"],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_the_app_and_the_command_line_reach_the_engines_only_through_the_pipeline(path):
    bad = [m for m in _imports(path) if any(m.endswith("core." + e) or m == f"..core.{e}" or m == f"...core.{e}"
                                            for e in ENGINES)]
    assert not bad, f"{path.name} imports an engine directly: {bad}"
    text = path.read_text()
    assert "rng.random(" not in text, f"{path.name} draws patients itself"


def test_no_exact_or_monte_carlo_decision_outside_the_pipeline():
    hits = []
    for path in (ROOT / "explorer").rglob("*.py"):
        if "pipeline" in path.parts or path.name == "testing.py":
            continue
        if "ExactTooLarge" in path.read_text():
            hits.append(str(path.relative_to(ROOT)))
    assert not hits, hits


def test_budget_seconds_match_the_work_unit():
    assert math.isclose(AUTO.work * 1.5e-6, AUTO.seconds)
