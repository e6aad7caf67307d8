"""Random protocols through the pipeline (one and two arms, every design and method): valid ones give coherent OCs
and never spend past the exact budget; invalid and hostile ones end with a ProtocolError naming a field, never
another exception."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import explorer
from explorer.core.designs import design_classes
from explorer.core.errors import ProtocolError
from explorer.core.pipeline import budget
from explorer.core.protocol_file import loads_protocol
from explorer.core.validation import protocol_from_dict

METHODS = list(design_classes())
probability = st.floats(0, 1, allow_nan=False)


def _design(method: str, max_n: int, cohort: int) -> dict:
    names = {o.name for o in design_classes()[method].options}
    return {"method": method, **({"max_n": max_n} if "max_n" in names else {}),
            **({"cohort_size": min(cohort, max_n)} if "cohort_size" in names else {})}


@pytest.fixture
def work_watch(monkeypatch):
    """Records the largest work (decided states × cost) any exact enumeration reached."""
    seen = []
    inner = budget.Guard.check

    def check(self, states):
        try:
            inner(self, states)
        finally:
            seen.append((self.done * self.cost, self.budget.work))
    monkeypatch.setattr(budget.Guard, "check", check)
    return seen


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(truth=st.lists(probability, min_size=2, max_size=8), truth_b=st.lists(probability, min_size=8, max_size=8),
       target=st.floats(0.1, 0.5), start=st.integers(1, 8), method=st.sampled_from(METHODS),
       seed=st.integers(0, 2**32), how=st.sampled_from(["auto", "monte-carlo", "exact"]),
       two=st.booleans(), mode=st.sampled_from(["independent", "staggered", "ordered"]),
       max_n=st.integers(3, 24), cohort=st.integers(1, 3))
def test_random_protocols_give_coherent_ocs(work_watch, truth, truth_b, target, start, method, seed, how, two, mode,
                                            max_n, cohort):
    raw: dict = {"target": target, "design": _design(method, max_n, cohort), "trials": 100, "seed": seed,
                 "method": how, "start_dose": min(start, len(truth))}
    if two:
        raw["arms"] = [{"name": "A", "truth": truth}, {"name": "B", "truth": truth_b[:len(truth)]}]
        raw["arm_design"] = {"mode": mode, "eligible_b": 0.5}
    else:
        raw["truth"] = truth
    p = protocol_from_dict(raw)
    work_watch.clear()
    try:
        res = explorer.simulate(p)
    except ProtocolError as e:  # only "exact" may be refused, with the reason
        assert how == "exact" and e.problems[0].code == "exact-not-available", e
        return
    if res.method == "exact":  # never past the budget: every enumeration step was within it
        assert all(done <= work for done, work in work_watch), work_watch
    designs = p.build_designs()
    for oc, d in zip(res.arms, designs):
        K = d.n_doses
        assert oc.selection.shape == (K,) and np.all(oc.selection >= -1e-12)
        assert oc.selection.sum() + oc.no_selection == pytest.approx(1.0, abs=1e-9)
        assert 0 <= oc.sample_size <= d.max_n + 1e-9
        assert np.all(oc.dlts <= oc.patients + 1e-9)
        for v in (oc.pcs, oc.acceptable, oc.overdose_selection, oc.overdose_patients):
            assert -1e-12 <= v <= 1 + 1e-12
        assert sum(oc.sample_size_distribution.values()) == pytest.approx(1.0, abs=1e-9)
    if two:
        assert res.joint is not None and -1e-12 <= res.joint.both_correct <= 1 + 1e-12


VALID = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": {"method": "boin", "max_n": 12},
         "trials": 100, "seed": 1, "compare": ["crm"],
         "arm_design": None}
JUNK = [None, True, -1, 0, 1e400, 10 ** 400, -(10 ** 400), "x" * 200, [], [[]], {}, {"a": 1}, 0.5, 3.7, "boin",
        [1, 2, 3], float("nan")]


def _mutations(rng: random.Random, raw: dict) -> dict:
    """The valid protocol with one random field (at any depth) replaced by junk, or deleted."""
    out = json.loads(json.dumps({k: v for k, v in raw.items() if v is not None}))
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                paths.append(path + [k])
                walk(v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                paths.append(path + [i])
                walk(v, path + [i])
    walk(out, [])
    path = rng.choice(paths)
    parent = out
    for key in path[:-1]:
        parent = parent[key]
    if rng.random() < 0.15 and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = rng.choice(JUNK)
    return out


@pytest.mark.parametrize("seed", range(300))
def test_junk_anywhere_is_a_protocol_error_or_a_result(seed):
    rng = random.Random(seed)
    raw = _mutations(rng, VALID)
    try:
        p = protocol_from_dict(raw)
    except ProtocolError as e:
        assert e.problems and all(isinstance(q.message, str) and q.message for q in e.problems)
        return
    explorer.simulate(p)  # still valid: it must run


@pytest.mark.parametrize("text,words", [
    ("[" * 100_000 + "]" * 100_000, ["levels deep"]),
    ('{"target": 0.25, "truth": [0.1, 0.2], "design": {"method": "3+3"}, "trials": ' + "9" * 400 + "}",
     ["trials", "out of range"]),
    ('{"target": ' + "1" * 400 + ', "truth": [0.1, 0.2], "design": {"method": "3+3"}}', ["target", "too large"]),
    ('{"target": 1e400, "truth": [0.1, 0.2], "design": {"method": "3+3"}}', ["target"]),
    ('{"target": 0.25, "truth": [0.1, 0.2], "design": {"method": "3+3"}, "seed": ' + "9" * 5000 + "}", ["JSON"]),
    ("x" * 2_000_000, ["bytes"]),
    ('{"target": 0.25, "truth": [' + ", ".join(["0.1"] * 5000) + '], "design": {"method": "3+3"}}', ["5000"]),
])
def test_hostile_files_get_a_message(text, words):
    with pytest.raises(ProtocolError) as e:
        loads_protocol(text, "hostile.json")
    for w in words:
        assert w in str(e.value), str(e.value)


def test_a_skeleton_that_would_underflow_is_refused_with_the_field_named():
    with pytest.raises(ProtocolError) as e:
        protocol_from_dict({"target": 0.35, "truth": [0.1] * 12,
                            "design": {"method": "crm", "halfwidth": 0.3, "prior_mtd": 12}})
    assert e.value.problems[0].field == "design.halfwidth"
