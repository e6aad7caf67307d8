"""Two arms sharing one arrival stream in calendar time (CAR4SAR: Arm A systemic, Arm B systemic + local)."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.arms.engine import outcomes, run_two_arms
from explorer.core.arms.process import TwoArmProcess
from explorer.core.arms.spec import ArmDesign
from explorer.core.clock.draws import clock_draws
from explorer.core.clock.engine import Trace
from explorer.core.clock.oc import summarise_time
from explorer.core.clock.spec import TimeModel
from explorer.core.clock.timeline import two_arm_trial_timeline
from explorer.core.clock.two_arms import simulate_two_arms_with_clock
from explorer.core.designs import find_design

TRUTHS = (np.array([0.05, 0.12, 0.25, 0.45]), np.array([0.08, 0.18, 0.33, 0.55]))
MONTHLY = TimeModel(accrual="poisson", rate=1.0, dlt_window=2.0, time_unit="months")


def process(mode="staggered", a="3+3", b="3+3", **ad) -> TwoArmProcess:
    classes = [find_design(m) for m in (a, b)]
    designs = tuple(c(4, 0.25, 0, **({"max_n": 12} if any(o.name == "max_n" for o in c.options) else {}))
                    for c in classes)
    return TwoArmProcess(designs, ArmDesign(mode=mode, **ad))  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["independent", "staggered", "ordered"])
@pytest.mark.parametrize("assignment", ["b_first", "alternate", "a_first", "random"])
@pytest.mark.parametrize("cap, q, designs", [(None, 0.4, ("3+3", "3+3")), (18, 0.5, ("3+3", "boin")),
                                             (15, 1.0, ("crm", "3+3")), (None, 0.0, ("3+3", "3+3"))])
def test_with_an_instant_window_it_is_the_untimed_two_arm_trial(mode, assignment, cap, q, designs):
    """Every outcome known at once: each arm decides as soon as its cohort is full, so every arrival finds the
    arms as the untimed process has them; patient for patient, the same trials."""
    proc = process(mode, *designs, assignment=assignment, max_total=cap, eligible_b=q)
    draws = clock_draws(np.random.default_rng(3), 1500, proc.max_total, arms=2)
    instant = TimeModel(accrual="poisson", rate=1.0, dlt_window=1e-9)
    res, _, _ = simulate_two_arms_with_clock(proc, TRUTHS, (instant, instant), draws)
    np.testing.assert_array_equal(res.Z, run_two_arms(proc, TRUTHS, draws[:, :3]))


@pytest.mark.parametrize("pending", ["wait", "lose"])
def test_staggering_is_in_calendar_time(pending):
    """Arm B treats level 1 only once Arm A has decided to go above it, i.e. after Arm A's first cohort's
    outcomes are all known; Arm B's own window may be shorter."""
    proc = process("staggered", eligible_b=0.5)
    a_time = TimeModel(accrual="poisson", rate=1.0, dlt_window=2.0, pending=pending)
    b_time = a_time.with_arm({"dlt_window": 0.5})
    draws = clock_draws(np.random.default_rng(4), 2000, proc.max_total, arms=2)
    res, pat, arm_of = simulate_two_arms_with_clock(proc, TRUTHS, (a_time, b_time), draws)
    for t in range(2000):
        a, b = np.flatnonzero(arm_of[t] == 0), np.flatnonzero(arm_of[t] == 1)
        if b.size:
            assert pat.start[t, b[0]] >= pat.known[t, a[:3]].max() - 1e-12
            no_dlt = b[~pat.dlt[t, b]]
            np.testing.assert_allclose(pat.known[t, no_dlt], pat.start[t, no_dlt] + 0.5)
        assert np.all(pat.start[t, a] >= pat.arrival[t, a])
    np.testing.assert_array_equal(res.trial.duration, np.maximum(res.arms[0].duration, res.arms[1].duration))
    if pending == "lose":
        assert np.all(res.trial.waited == 0) and res.trial.lost.sum() > 0
    else:
        assert np.all(res.trial.lost == 0) and res.trial.waited.sum() > 0
    t = summarise_time(res.trial).to_dict()
    assert t["duration"]["mean"] >= summarise_time(res.arms[0]).to_dict()["duration"]["mean"]


def test_once_arm_a_has_stopped_only_patients_eligible_for_arm_b_are_enrolled():
    """Fixed accrual, one arrival per unit, a third eligible for Arm B: after Arm A stops, Arm B's arrivals come
    every 3 units on average (the thinned stream)."""
    proc = process("independent", eligible_b=1 / 3, assignment="a_first")
    time = TimeModel(accrual="fixed", rate=1.0, dlt_window=1e-6)
    draws = clock_draws(np.random.default_rng(5), 3000, proc.max_total, arms=2)
    res, pat, arm_of = simulate_two_arms_with_clock(proc, (np.array([0.9] * 4), np.zeros(4)), (time, time), draws)
    gaps = []
    for t in range(3000):
        b = np.flatnonzero(arm_of[t] == 1)
        gaps += list(np.diff(pat.arrival[t, b]))
    assert np.all(np.isclose(gaps, np.round(gaps)))  # arrivals stay on the grid
    assert np.mean(gaps) == pytest.approx(3.0, rel=0.03)


def _arm_outcomes(res, proc, draws):
    """Each arm's (selected, n, x) from the clock run and from the untimed process on the same patients."""
    untimed = outcomes(proc, run_two_arms(proc, TRUTHS, draws[:, :3]), np.full(draws.shape[0], 1.0), None)
    return [(a.selected, a.n, a.x) for a in res.results.arms], [(a.selected, a.n, a.x) for a in untimed.arms]


PENDING_PAIRS = [("independent", "tite-crm", "tite-boin"), ("independent", "3+3", "tite-crm"),
                 ("independent", "tite-boin", "rolling-six"), ("staggered", "tite-crm", "tite-boin"),
                 ("ordered", "tite-crm", "tite-boin"), ("staggered", "rolling-six", "3+3"),
                 ("ordered", "rolling-six", "3+3")]


@pytest.mark.parametrize("mode, a, b", PENDING_PAIRS)
@pytest.mark.parametrize("assignment", ["b_first", "alternate", "a_first", "random"])
def test_pending_outcome_designs_with_an_instant_window_make_the_untimed_two_arm_trials(mode, a, b, assignment):
    """Every outcome known at each decision: arms whose designs decide with pending outcomes (deciding at each
    arrival that may join them) make the untimed trials, patient for patient. (With staggered or ordered arms and
    cohorts of more than one in Arm A the rules differ on purpose: a DLT in Arm A counts for Arm B once observed,
    not once Arm A's cohort is complete; and Arm B's next dose is judged when it is chosen.)"""
    proc = process(mode, a, b, assignment=assignment, max_total=20, eligible_b=0.5)
    draws = clock_draws(np.random.default_rng(3), 1500, proc.max_total, arms=2)
    instant = TimeModel(accrual="poisson", rate=1.0, dlt_window=1e-9)
    res, _, _ = simulate_two_arms_with_clock(proc, TRUTHS, (instant, instant), draws)
    ours, theirs = _arm_outcomes(res, proc, draws)
    for (s1, n1, x1), (s2, n2, x2) in zip(ours, theirs):
        np.testing.assert_array_equal(n1, n2)
        np.testing.assert_array_equal(x1, x2)
        np.testing.assert_array_equal(s1, s2)
    assert res.arms[0].pending_decisions.sum() == 0 and res.arms[1].pending_decisions.sum() == 0


@pytest.mark.parametrize("pending", ["wait", "lose"])
@pytest.mark.parametrize("mode, a, b", [("staggered", "tite-crm", "tite-boin"), ("ordered", "rolling-six", "tite-crm"),
                                        ("staggered", "3+3", "rolling-six")])
def test_pending_outcome_arms_in_calendar_time(pending, mode, a, b):
    """A real window: counts from the patients, times in order, decisions with outcomes pending, and staggering
    in calendar time (Arm B's first patient starts once Arm A has chosen a dose above level 1)."""
    proc = process(mode, a, b, eligible_b=0.5, max_total=24)
    time = TimeModel(accrual="poisson", rate=1.0, dlt_window=2.0, pending=pending)
    draws = clock_draws(np.random.default_rng(8), 600, proc.max_total, arms=2)
    trace = Trace()
    res, pat, arm_of = simulate_two_arms_with_clock(proc, TRUTHS, (time, time.with_arm({"dlt_window": 1.0})), draws,
                                                   trace)
    for j, arm in enumerate(res.results.arms):
        mine = arm_of == j
        np.testing.assert_array_equal(arm.n, [np.bincount(pat.dose[t][mine[t]], minlength=4) for t in range(600)])
        np.testing.assert_array_equal(arm.x.sum(axis=1), (pat.dlt & mine).sum(axis=1))
        assert np.all(arm.n.sum(axis=1) <= proc.designs[j].max_n) and np.all((arm.selected >= -1) & (arm.selected < 4))
        assert np.all(res.arms[j].time_to_mtd >= np.where(mine, pat.known, -np.inf).max(axis=1) - 1e-12)
    enrolled = arm_of >= 0
    assert np.all(pat.start[enrolled] >= pat.arrival[enrolled] - 1e-12)
    assert np.all(arm_of.sum(axis=1) <= 2 * 24) and np.all(enrolled.sum(axis=1) <= 24)
    assert sum(r.pending_decisions.sum() for r in res.arms if True) > 0
    assert np.all(res.trial.pending_decisions <= res.trial.decisions)
    if pending == "lose":
        assert np.all(res.trial.waited == 0) and res.trial.lost.sum() > 0
    if mode == "staggered":
        # Arm B's first start comes after Arm A chose a dose above level 1, or stopped selecting level 1 or above
        first_up = np.full(600, np.inf)
        for rows, t, dose, _, kind, arm in trace.decisions:
            up = (arm == 0) & (dose >= (1 if kind == "assign" else 0))
            np.minimum.at(first_up, rows[up], t[up])
        b_first = np.where(arm_of == 1, pat.start, np.inf).min(axis=1)
        assert np.all(b_first >= first_up - 1e-12)


def test_two_arm_timeline():
    proc = process("staggered", max_total=18)
    tl = two_arm_trial_timeline(proc, TRUTHS, (MONTHLY, MONTHLY), np.random.default_rng(7))
    d = tl.to_dict()
    assert {p["arm"] for p in d["patients"]} <= {0, 1} and len(d["selected"]) == 2
    assert len(d["patients"]) <= 18 and [x["time"] for x in d["decisions"]] == sorted(x["time"] for x in d["decisions"])
    assert {x["arm"] for x in d["decisions"] if x["kind"] == "stop"} == {0, 1}
