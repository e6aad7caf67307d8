"""The contract every design obeys, run on every registered design and its option variants.

A new design module in explorer/core/designs/ is picked up here automatically.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from explorer.core.designs import Design, design_classes
from explorer.core.engine import ExactTooLarge, enumerate_exact, simulate
from explorer.core.oc import summarise

K = 5
TARGET = 0.25
TRIALS = 2000
SMALL = {"max_n": 12, "cohort_size": 3}  # keeps exact enumeration and MC quick where a design has these


def _variants() -> list[tuple[type[Design], dict[str, Any]]]:
    out = []
    for cls in design_classes().values():
        names = {o.name for o in cls.options}
        base = {k: v for k, v in SMALL.items() if k in names}
        out.append((cls, base))
        for o in cls.options:
            if o.kind == "bool":
                out.append((cls, {**base, o.name: not o.default_for(TARGET)}))
            elif o.kind == "choice":
                out += [(cls, {**base, o.name: c}) for c in o.choices if c != o.default_for(TARGET)]
    return out


VARIANTS = _variants()
IDS = [f"{c.method}{'-' + '-'.join(f'{k}={v}' for k, v in o.items() if k not in SMALL) if o else ''}"
       for c, o in VARIANTS]
TRUTHS = {
    "rising": np.array([0.05, 0.12, 0.25, 0.40, 0.60]),
    "flat": np.array([0.25] * K),
    "steep": np.array([0.02, 0.05, 0.55, 0.75, 0.9]),
}


def make(cls: type[Design], opts: dict[str, Any], start: int = 0) -> Design:
    """A design on K doses at the test target."""
    return cls(K, TARGET, start, **opts)


class Recorder:
    """Wraps a design's decide to check every decision against the contract as the engine runs."""

    def __init__(self, design: Design):
        self.design = design
        self.violations: list[str] = []
        self.states: list[tuple[np.ndarray, ...]] = []
        inner = design.decide

        def decide(n, x, cur, extra):
            dec = inner(n, x, cur, extra)
            go = ~dec.stop
            elim = design.eliminated(n, x, extra)
            first_elim = np.where(elim.any(axis=1), np.argmax(elim, axis=1), K)
            if np.any(dec.dose[go] >= first_elim[go]):
                self.violations.append("treats at or above an eliminated dose")
            if np.any(dec.size[go] < 1) or np.any(dec.size[go] > design.max_cohort):
                self.violations.append("cohort size outside 1..max_cohort")
            if np.any(dec.selected[dec.stop] >= first_elim[dec.stop]):
                self.violations.append("selects an eliminated dose")
            if np.any(elim.any(axis=1) & ~np.maximum.accumulate(elim, axis=1)[:, -1]):
                self.violations.append("eliminated doses are not closed upwards")
            if len(self.states) < 50:
                self.states.append((n.copy(), x.copy(), cur.copy(), extra.copy()))
            return dec

        design.decide = decide  # type: ignore[method-assign]


@pytest.fixture(params=range(len(VARIANTS)), ids=IDS)
def variant(request) -> tuple[type[Design], dict[str, Any]]:
    return VARIANTS[request.param]


@pytest.mark.parametrize("truth_name", list(TRUTHS))
def test_selection_sums_to_one_and_patients_within_max(variant, truth_name):
    cls, opts = variant
    design = make(cls, opts)
    truth = TRUTHS[truth_name]
    res = simulate(design, truth, TRIALS, np.random.default_rng(1))
    oc = summarise(res, truth, TARGET)
    assert oc.selection.sum() + oc.no_selection == pytest.approx(1.0, abs=1e-12)
    assert np.all(res.n.sum(axis=1) <= design.max_n)
    assert np.all(res.x <= res.n)
    assert oc.sample_size <= design.max_n + 1e-9
    assert np.all(res.selected >= -1) and np.all(res.selected < K)


@pytest.mark.parametrize("truth_name", list(TRUTHS))
def test_never_treats_or_selects_an_eliminated_dose(variant, truth_name):
    cls, opts = variant
    design = make(cls, opts)
    rec = Recorder(design)
    simulate(design, TRUTHS[truth_name], TRIALS, np.random.default_rng(2))
    assert not rec.violations, sorted(set(rec.violations))


def test_same_seed_same_numbers(variant):
    cls, opts = variant
    truth = TRUTHS["rising"]
    a = simulate(make(cls, opts), truth, 500, np.random.default_rng(7))
    b = simulate(make(cls, opts), truth, 500, np.random.default_rng(7))
    c = simulate(make(cls, opts), truth, 500, np.random.default_rng(8))
    for f in ("selected", "n", "x"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    assert not np.array_equal(a.n, c.n)


def test_all_zero_truth_escalates_to_the_top(variant):
    cls, opts = variant
    if "max_n" in opts:  # room to climb one level per cohort and confirm at the top
        opts = {**opts, "max_n": opts.get("cohort_size", 3) * (K + 3)}
    design = make(cls, opts)
    res = simulate(design, np.zeros(K), 200, np.random.default_rng(3))
    assert np.all(res.n[:, -1] > 0), "every trial should reach the top dose"
    assert np.all(res.selected == K - 1), "with no toxicity anywhere the top dose is selected"


def test_all_one_truth_stops_early_without_selection(variant):
    cls, opts = variant
    design = make(cls, opts)
    res = simulate(design, np.ones(K), 200, np.random.default_rng(4))
    assert np.all(res.selected == -1)
    assert np.all(res.n.sum(axis=1) < design.max_n)


def test_decide_on_a_batch_equals_decide_row_by_row(variant):
    cls, opts = variant
    design = make(cls, opts)
    rec = Recorder(design)
    simulate(design, TRUTHS["rising"], 300, np.random.default_rng(5))
    inner = type(design).decide
    for n, x, cur, extra in rec.states[:10]:
        whole = inner(design, n, x, cur, extra)
        for i in range(0, n.shape[0], max(1, n.shape[0] // 7)):
            one = inner(design, n[i:i + 1], x[i:i + 1], cur[i:i + 1], extra[i:i + 1])
            assert bool(one.stop[0]) == bool(whole.stop[i])
            if one.stop[0]:
                assert one.selected[0] == whole.selected[i]
            else:
                assert (one.dose[0], one.size[0]) == (whole.dose[i], whole.size[i])


def test_start_dose_is_the_first_dose_given(variant):
    cls, opts = variant
    design = make(cls, opts, start=2)
    dec = design.decide(np.zeros((1, K), dtype=np.int64), np.zeros((1, K), dtype=np.int64),
                        np.full(1, -1), design.initial_extra(1))
    assert not dec.stop[0] and dec.dose[0] == 2


def test_exact_agrees_with_monte_carlo(variant):
    cls, opts = variant
    design = make(cls, opts)
    if not cls.exact:
        pytest.skip(f"{cls.method} offers no exact enumeration")
    truth = TRUTHS["rising"]
    try:
        ex = summarise(enumerate_exact(design, truth), truth, TARGET)
    except ExactTooLarge:
        pytest.skip("outcome tree too large at these settings")
    trials = 20_000
    mc = summarise(simulate(design, truth, trials, np.random.default_rng(6)), truth, TARGET)
    probs = np.append(ex.selection, ex.no_selection)
    se = np.sqrt(probs * (1 - probs) / trials)
    assert np.all(np.abs(np.append(mc.selection, mc.no_selection) - probs) <= 4 * se + 1e-12)
    for key in ("patients", "dlts"):
        se = np.maximum(mc.stderr[key], np.sqrt(getattr(ex, key) * design.max_cohort * 2 / trials))
        assert np.all(np.abs(getattr(mc, key) - getattr(ex, key)) <= 4 * se + 1e-9)
    assert ex.selection.sum() + ex.no_selection == pytest.approx(1.0, abs=1e-12)


def test_options_are_declared_validly(variant):
    cls, _ = variant
    names = [o.name for o in cls.options]
    assert len(names) == len(set(names))
    assert cls.method and cls.title and cls.summary
    for o in cls.options:
        assert o.help, f"{cls.method}.{o.name} has no meaning"
        value, problems = o.check(o.default_for(TARGET), f"design.{o.name}") if o.default_for(TARGET) is not None \
            else (None, [])
        assert not problems, f"default of {cls.method}.{o.name} fails its own check: {problems}"
        assert o.describe_default()
