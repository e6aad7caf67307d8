"""The non-parametric optimal benchmark: exact against a brute force over every patient's outcome pattern, Monte
Carlo against exact, and the selection rule against the true-MTD rule."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from explorer.core import optimal
from explorer.core.engine import tolerances
from explorer.core.oc import closest_to_target, true_mtd
from explorer.core.optimal import (
    TooManyOutcomes,
    benchmark_exact,
    benchmark_monte_carlo,
    benchmark_selection,
    compositions,
    dlt_counts,
    exact_outcomes,
)


def test_the_vectorised_mtd_rule_is_the_true_mtd_rule_row_by_row():
    rng = np.random.default_rng(0)
    rates = np.vstack([rng.integers(0, 13, size=(3000, 4)) / 12,  # k/12 grids: many exact ties around 0.25
                       rng.random((3000, 4)), [[0.36, 0.5, 0.7, 0.9], [0.35, 0.5, 0.7, 0.9], [0.2, 0.3, 0.2, 0.3]]])
    got = closest_to_target(rates, 0.25)
    want = [true_mtd(r, 0.25) for r in rates]
    assert got.tolist() == [-1 if w is None else w for w in want]
    assert (got == -1).any() and (got == 3).any()


def brute_force_benchmark(n: int, truth: list[float], target: float) -> np.ndarray:
    """P(select dose k) (last entry: none) by enumerating every patient's DLT pattern over the doses.

    A pattern (DLT or not at each dose) has probability the length of the set of tolerances u giving it:
    [max of the truths where there is no DLT, min of the truths where there is one), or nothing. The estimates
    are the patients' DLT fractions, the selection the scalar true-MTD rule.
    """
    K = len(truth)
    patterns, probs = [], []
    for pat in itertools.product([False, True], repeat=K):
        lo = max([t for t, p in zip(truth, pat) if not p], default=0.0)
        hi = min([t for t, p in zip(truth, pat) if p], default=1.0)
        if hi > lo:
            patterns.append(np.array(pat, dtype=float))
            probs.append(hi - lo)
    assert math.isclose(sum(probs), 1.0)
    out = np.zeros(K + 1)
    for combo in itertools.product(range(len(patterns)), repeat=n):
        p = math.prod(probs[i] for i in combo)
        rates = sum(patterns[i] for i in combo) / n
        k = true_mtd(rates, target)
        out[K if k is None else k] += p
    return out


@pytest.mark.parametrize("n,truth", [
    (5, [0.15, 0.3, 0.5]),
    (4, [0.3, 0.1, 0.3]),             # non-monotone, with a tie
    (6, [0.0, 0.25, 1.0]),            # the edges of [0, 1]
    (5, [0.4, 0.6, 0.8]),             # no acceptable dose: none is the correct answer
])
def test_exact_matches_brute_force_over_every_outcome_pattern(n, truth):
    ref = brute_force_benchmark(n, truth, 0.25)
    b = benchmark_exact(n, np.array(truth), 0.25)
    np.testing.assert_allclose(b.selection, ref[:-1], atol=1e-12)
    assert b.no_selection == pytest.approx(ref[-1], abs=1e-12)
    mtd = true_mtd(np.array(truth), 0.25)
    assert b.pcs == pytest.approx(ref[-1] if mtd is None else ref[mtd], abs=1e-12)


def test_exact_outcome_probabilities_sum_to_one_and_give_binomial_marginals():
    truth = np.array([0.05, 0.12, 0.25, 0.45, 0.45])
    counts, p = exact_outcomes(9, truth)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    assert counts.shape[0] == math.comb(9 + 4, 4)  # four distinct truths: five intervals
    from scipy.stats import binom

    for d, t in enumerate(truth):
        np.testing.assert_allclose(np.bincount(counts[:, d], weights=p, minlength=10), binom.pmf(range(10), 9, t),
                                   atol=1e-12)
    assert np.all(np.diff(counts, axis=1) >= 0)  # monotone truth: monotone complete-information counts


def test_compositions_are_all_vectors_with_that_sum():
    c = compositions(5, 3)
    assert c.shape == (math.comb(7, 2), 3) and np.all(c.sum(axis=1) == 5) and np.all(c >= 0)
    assert len({tuple(r) for r in c}) == c.shape[0]
    np.testing.assert_array_equal(compositions(4, 1), [[4]])


@pytest.mark.parametrize("truth", [
    [0.05, 0.12, 0.25, 0.45],           # CAR4SAR Arm A
    [0.08, 0.18, 0.33, 0.55],           # CAR4SAR Arm B
    [0.25, 0.4, 0.55, 0.7],             # MTD at the lowest dose
    [0.4, 0.5, 0.6, 0.7],               # no acceptable dose
])
def test_monte_carlo_agrees_with_exact_within_four_standard_errors(truth):
    truth = np.array(truth)
    u = tolerances(np.random.default_rng(11), 20000, 15)
    mc = benchmark_monte_carlo(u, truth, 0.25)
    ex = benchmark_exact(15, truth, 0.25)
    assert mc.method == "monte-carlo" and mc.trials == 20000 and ex.method == "exact" and ex.trials is None
    T = 20000
    for key in ("no_selection", "pcs", "acceptable", "overdose_selection"):
        p = getattr(ex, key)
        se = math.sqrt(p * (1 - p) / T)  # the true standard error; the estimated one is 0 when nothing happened
        assert abs(getattr(mc, key) - p) <= 4 * se + 1e-12, key
        assert mc.stderr[key] == pytest.approx(se, rel=0.1, abs=1e-3)
    se = np.sqrt(ex.selection * (1 - ex.selection) / T)
    assert np.all(np.abs(mc.selection - ex.selection) <= 4 * se + 1e-12)


def test_selection_is_per_trial_complete_information_closest_to_target():
    truth = np.array([0.1, 0.2, 0.3, 0.5])
    u = np.array([
        [0.05, 0.15, 0.25, 0.6, 0.7, 0.8, 0.9, 0.95],  # DLTs 1, 2, 3, 3 of 8: 0.125, 0.25, 0.375, 0.375 -> dose 2
        [0.25, 0.25, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6],    # 0, 0, 2, 2: 0, 0, 0.25, 0.25 -> dose 3 (first of the tie)
        [0.01] * 8,                                    # every patient has a DLT everywhere: none
        [0.01, 0.01, 0.01, 0.9, 0.9, 0.9, 0.9, 0.9],   # 3/8 = 0.375 everywhere (> 0.35): none
        [0.01, 0.01, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9],    # 2/8 = 0.25 everywhere: the lowest dose
        [0.05, 0.15, 0.15, 0.9, 0.9, 0.9, 0.9, 0.9],   # 1/8, 3/8, 3/8, 3/8: 0.125 and 0.375 tie: dose 1
    ])
    np.testing.assert_array_equal(dlt_counts(u, truth)[0], [1, 2, 3, 3])
    np.testing.assert_array_equal(benchmark_selection(u, truth, 0.25), [1, 2, -1, -1, 0, 0])


def test_bad_input_and_too_large_cases_say_so():
    with pytest.raises(ValueError, match="at least one patient"):
        benchmark_exact(0, np.array([0.1, 0.3]), 0.25)
    with pytest.raises(ValueError, match="matrix"):
        benchmark_selection(np.zeros(5), np.array([0.1, 0.3]), 0.25)
    with pytest.raises(TooManyOutcomes, match="outcome vectors"):
        benchmark_exact(60, np.linspace(0.05, 0.6, 8), 0.25)


def test_the_help_says_it_is_a_reference_not_a_strict_bound():
    assert "reference, not a strict upper bound" in " ".join(optimal.__doc__.split())
