"""OC definitions (docs/contract.md) against closed forms and hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest
from engine_helpers import simulate_trials

from explorer.core.designs import ThreePlusThree
from explorer.core.engine import TrialResults, enumerate_exact
from explorer.core.oc import acceptable_doses, summarise, true_mtd


@pytest.mark.parametrize("truth,target,expected", [
    ([0.05, 0.12, 0.25, 0.45], 0.25, 2),
    ([0.2, 0.3], 0.25, 0),          # a tie goes to the lower dose
    ([0.1, 0.5], 0.25, 0),
    ([0.36, 0.5], 0.25, None),      # every dose above target + 0.10: no acceptable dose
    ([0.35, 0.5], 0.25, 0),         # exactly target + 0.10 is still acceptable as MTD
    ([0.4, 0.2, 0.3], 0.25, 1),     # non-monotone truth: closest wins
])
def test_true_mtd(truth, target, expected):
    assert true_mtd(np.array(truth), target) == expected


def test_acceptable_interval_is_inclusive():
    np.testing.assert_array_equal(acceptable_doses(np.array([0.19, 0.2, 0.25, 0.3, 0.31]), (0.2, 0.3)),
                                  [False, True, True, True, False])


def _results(weights, selected, n, x, exact=True, trials=None):
    return TrialResults(np.array(weights, float), np.array(selected), np.array(n), np.array(x), exact, trials, 12)


def test_summary_of_hand_made_end_states():
    # two path classes: p=0.75 selects dose 1 (0-based 0) after 6 patients; p=0.25 selects none after 3.
    res = _results([0.75, 0.25], [0, -1], [[3, 3], [3, 0]], [[0, 2], [2, 0]])
    oc = summarise(res, np.array([0.1, 0.5]), 0.25)
    np.testing.assert_allclose(oc.selection, [0.75, 0.0])
    assert oc.no_selection == pytest.approx(0.25)
    np.testing.assert_allclose(oc.patients, [3.0, 2.25])
    np.testing.assert_allclose(oc.dlts, [0.5, 1.5])
    assert oc.sample_size == pytest.approx(0.75 * 6 + 0.25 * 3)
    assert oc.sample_size_distribution == {3: 0.25, 6: 0.75}
    assert oc.true_mtd == 0 and oc.pcs == pytest.approx(0.75)
    assert oc.acceptable == 0.0                     # 0.1 is outside 0.25 ± 0.05
    assert oc.overdose_selection == 0.0             # dose 2 (0.5 > 0.35) never selected
    assert oc.overdose_patients == pytest.approx(2.25 / 5.25)  # expected patients above the MTD / expected size
    assert all(np.all(np.asarray(v) == 0) for v in oc.stderr.values())


def test_pcs_is_no_selection_when_no_dose_is_acceptable():
    res = _results([0.6, 0.4], [0, -1], [[6, 0], [3, 0]], [[1, 0], [2, 0]])
    oc = summarise(res, np.array([0.5, 0.7]), 0.25)
    assert oc.true_mtd is None and oc.pcs == pytest.approx(0.4)
    assert oc.overdose_selection == pytest.approx(0.6) and oc.overdose_patients == pytest.approx(1.0)


def test_monte_carlo_standard_errors_follow_the_binomial_formula():
    truth = np.array([0.05, 0.12, 0.25, 0.45])
    res = simulate_trials(ThreePlusThree(4, 0.25), truth, 5000, np.random.default_rng(0))
    oc = summarise(res, truth, 0.25)
    np.testing.assert_allclose(oc.stderr["selection"], np.sqrt(oc.selection * (1 - oc.selection) / 4999), rtol=1e-9)
    n = res.n[:, 0]
    assert oc.stderr["patients"][0] == pytest.approx(n.std(ddof=1) / np.sqrt(5000))


def test_two_dose_3plus3_closed_form():
    # With 2 doses and DLT probabilities p, q the 3+3 selection probabilities can be written by hand.
    p, q = 0.1, 0.3

    def b(m, y, r):
        from math import comb
        return comb(m, y) * r ** y * (1 - r) ** (m - y)

    pass1 = b(3, 0, p) + b(3, 1, p) * b(3, 0, p)           # dose 1 cleared (0/3, or 1/3 then 0/3)
    six1 = b(3, 1, p) * b(3, 0, p)                          # dose 1 already has 6 patients
    three1 = b(3, 0, p)                                     # dose 1 has 3 patients (0/3)
    ok_top = b(3, 0, q) * (b(3, 0, q) + b(3, 1, q)) + b(3, 1, q) * b(3, 0, q)  # ≤ 1/6 at dose 2
    exp_ok_1 = b(3, 0, p) + b(3, 1, p)                      # 3 more at dose 1 with 0/3 before: ≤ 1 of 6
    sel2 = pass1 * ok_top
    sel1 = (six1 + three1 * exp_ok_1) * (1 - ok_top)
    oc = summarise(enumerate_exact(ThreePlusThree(2, 0.25), np.array([p, q])), np.array([p, q]), 0.25)
    assert oc.selection[1] == pytest.approx(sel2, abs=1e-14)
    assert oc.selection[0] == pytest.approx(sel1, abs=1e-14)
    assert oc.no_selection == pytest.approx(1 - sel1 - sel2, abs=1e-14)
