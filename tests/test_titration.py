"""BOIN's accelerated titration (BOIN get.oc's `titration`): one patient per dose until the first DLT."""

from __future__ import annotations

import numpy as np
import pytest
from engine_helpers import simulate_trials

from explorer.core.clock.draws import clock_draws
from explorer.core.clock.engine import simulate_with_clock
from explorer.core.clock.spec import TimeModel
from explorer.core.designs.boin import BOIN
from explorer.core.engine import enumerate_exact
from explorer.core.errors import ProtocolError


def test_hand_worked_titration_trial():
    """Truth 0, 0, 1, 1: one patient at doses 1 and 2, the first DLT at dose 3, then 2 more there (3/3: dose 3 is
    eliminated), back to dose 2 in cohorts of 3 until 12 patients; dose 2 is selected."""
    design = BOIN(4, 0.25, 0, max_n=12, titration=True)
    res = simulate_trials(design, np.array([0.0, 0.0, 1.0, 1.0]), 20, np.random.default_rng(1))
    np.testing.assert_array_equal(res.n, [[1, 8, 3, 0]] * 20)
    np.testing.assert_array_equal(res.x, [[0, 0, 3, 0]] * 20)
    assert np.all(res.selected == 1)


def test_without_any_dlt_titration_climbs_to_the_top_then_completes_a_cohort_there():
    design = BOIN(4, 0.25, 0, max_n=15, titration=True)
    res = enumerate_exact(design, np.zeros(4))
    np.testing.assert_array_equal(res.n, [[1, 1, 1, 12]])


def test_the_first_dlt_ends_titration_with_probability_as_bernoulli_draws_at_each_dose():
    """P(titration stops at dose k) = Π_{j<k}(1 − p_j)·p_k (get.oc draws one Bernoulli per dose); with max_n = the
    titration patients + 2, the trial ends right after completing the cohort, so n tells where it stopped."""
    truth = np.array([0.1, 0.2, 0.3, 0.5])
    for k in range(4):
        design = BOIN(4, 0.25, 0, max_n=k + 3, titration=True)
        res = enumerate_exact(design, truth)
        stopped_here = (res.n[:, k] == 3) & (res.n[:, :k] == 1).all(axis=1)
        want = np.prod(1 - truth[:k]) * (truth[k] if k < 3 else 1.0)
        assert res.weights[stopped_here].sum() == pytest.approx(want, abs=1e-12)


def test_titration_needs_cohorts_of_two_or_more():
    with pytest.raises(ProtocolError, match="titration"):
        BOIN(4, 0.25, 0, cohort_size=1, titration=True)


def test_with_a_clock_each_titration_patient_waits_for_the_previous_outcome():
    design = BOIN(4, 0.25, 0, max_n=12, titration=True)
    time = TimeModel(accrual="fixed", rate=10.0, dlt_window=1.0)
    res, pat = simulate_with_clock(design, np.array([0.0, 0.0, 1.0, 1.0]), time, clock_draws(
        np.random.default_rng(2), 50, 12))
    # patients 1, 2, 3 one window (or DLT time) apart; patients 4-5 (the rest of the cohort) start together
    np.testing.assert_allclose(pat.start[:, 1], pat.start[:, 0] + 1.0)
    np.testing.assert_allclose(pat.start[:, 2], pat.start[:, 1] + 1.0)
    assert np.all(pat.start[:, 3] == pat.known[:, 2]) and np.all(pat.start[:, 4] == pat.start[:, 3])
