"""Two arms sharing one arrival stream in calendar time (CAR4SAR: Arm A systemic, Arm B systemic + local)."""

from __future__ import annotations

import numpy as np
import pytest

from explorer.core.arms.engine import run_two_arms
from explorer.core.arms.process import TwoArmProcess
from explorer.core.arms.spec import ArmDesign
from explorer.core.clock.draws import clock_draws
from explorer.core.clock.oc import summarise_time
from explorer.core.clock.spec import TimeModel
from explorer.core.clock.timeline import two_arm_trial_timeline
from explorer.core.clock.two_arms import simulate_two_arms_with_clock
from explorer.core.designs import find_design
from explorer.core.errors import DesignError

TRUTHS = (np.array([0.05, 0.12, 0.25, 0.45]), np.array([0.08, 0.18, 0.33, 0.55]))
MONTHLY = TimeModel(accrual="poisson", rate=1.0, dlt_window=2.0, time_unit="months")


def process(mode="staggered", a="3+3", b="3+3", **ad) -> TwoArmProcess:
    designs = tuple(find_design(m)(4, 0.25, 0, **({"max_n": 12} if m not in ("3+3", "a+b") else {})) for m in (a, b))
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


def test_designs_using_pending_outcomes_are_one_arm_only_for_now():
    proc = process("independent", "tite-boin", "3+3")
    draws = clock_draws(np.random.default_rng(5), 10, proc.max_total, arms=2)
    with pytest.raises(DesignError, match="tite-boin decides with pending outcomes"):
        simulate_two_arms_with_clock(proc, TRUTHS, (MONTHLY, MONTHLY), draws)


def test_two_arm_timeline():
    proc = process("staggered", max_total=18)
    tl = two_arm_trial_timeline(proc, TRUTHS, (MONTHLY, MONTHLY), np.random.default_rng(7))
    d = tl.to_dict()
    assert {p["arm"] for p in d["patients"]} <= {0, 1} and len(d["selected"]) == 2
    assert len(d["patients"]) <= 18 and [x["time"] for x in d["decisions"]] == sorted(x["time"] for x in d["decisions"])
    assert {x["arm"] for x in d["decisions"] if x["kind"] == "stop"} == {0, 1}
