"""The non-parametric optimal benchmark of O'Quigley, Paoletti & Maccario (2002), by Monte Carlo and exactly.

A simulated patient with latent tolerance u has a DLT at dose d iff u < truth[d] (engine/montecarlo.py), so once
u is known, every patient's outcome at every dose is known: "complete information". The benchmark estimates each
dose's DLT rate by the fraction of the n patients with a DLT there and selects the dose whose estimate is closest
to the target (ties: the lower), i.e. the project's true-MTD rule (oc.closest_to_target) applied to the
estimates. It selects no dose iff every estimate exceeds target + OVERDOSE_MARGIN: the same rule that makes "no
selection" the correct answer when every truth does, applied in every scenario because the benchmark does not
know the truth (so it can also wrongly select none; with a first dose at the target and n = 18, rarely).

It is a reference, not a strict upper bound: no design sees more than the complete information of the same n
patients, and averaged over scenarios designs stay below it, but in a given scenario a design can beat it, e.g.
one whose prior or skeleton puts the MTD where the truth has it, or whose rules favour a dose next to a near-tie,
since the benchmark is itself an estimate with sampling error; and it compares at the same number of patients,
not the same allocation of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .engine import TrialResults
from .oc import OperatingCharacteristics, closest_to_target, summarise

#: Exact enumeration stops beyond this many count vectors (multinomial outcomes): C(n + M, M) for M distinct
#: truths in (0, 1); e.g. 40 patients on 5 doses (1.2 million) or 30 on 6 (1.9 million): ~1-3 s and ~0.5 GB
#: (benchmarks/optimal_speed.py), where 10,000 Monte Carlo trials take ~20 ms.
MAX_OUTCOMES = 2_000_000


class TooManyOutcomes(ValueError):
    """The exact benchmark would sum over more than its limit of count vectors (use benchmark_monte_carlo).

    Its own error, not the pipeline's budget refusal: the benchmark is computed beside the pipeline, and its caller
    chooses exact or Monte Carlo."""


def dlt_counts(u: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Complete information: the number of the n patients of each trial (u: trials × n) with a DLT at each dose."""
    u = np.asarray(u, dtype=float)
    truth = np.asarray(truth, dtype=float)
    out = np.empty((u.shape[0], truth.size), dtype=np.int64)
    for d, t in enumerate(truth):  # a loop over doses only; each column is one vectorised comparison
        out[:, d] = np.count_nonzero(u < t, axis=1)
    return out


def benchmark_selection(u: np.ndarray, truth: np.ndarray, target: float) -> np.ndarray:
    """The benchmark's selected dose (0-based; -1 for none) for each trial of latent tolerances u (trials × n)."""
    u = np.asarray(u, dtype=float)
    if u.ndim != 2 or u.shape[1] < 1:
        raise ValueError(f"u must be a (trials × patients) matrix with at least one patient; got shape {u.shape}")
    return closest_to_target(dlt_counts(u, truth) / u.shape[1], target)


@dataclass(frozen=True)
class BenchmarkOC:
    """The benchmark's selection figures (the OperatingCharacteristics that apply: it treats no one at a dose)."""

    method: str  # "exact" or "monte-carlo"
    trials: int | None
    n: int  # patients with complete information per trial
    true_mtd: int | None  # 0-based here; 1-based in to_dict()
    selection: np.ndarray
    no_selection: float
    pcs: float
    acceptable: float
    overdose_selection: float
    stderr: dict[str, Any]

    @classmethod
    def from_oc(cls, oc: OperatingCharacteristics, n: int) -> BenchmarkOC:
        """The selection part of OCs computed by oc.summarise."""
        keys = ("selection", "no_selection", "pcs", "acceptable", "overdose_selection")
        return cls(oc.method, oc.trials, n, oc.true_mtd, oc.selection, oc.no_selection, oc.pcs, oc.acceptable,
                   oc.overdose_selection, {k: oc.stderr[k] for k in keys})

    def to_dict(self) -> dict[str, Any]:
        """As JSON, with the OCs' key names."""
        se = {k: ([float(x) for x in v] if isinstance(v, np.ndarray) else float(v)) for k, v in self.stderr.items()}
        return {"method": self.method, "trials": self.trials, "n": self.n,
                "true_mtd": None if self.true_mtd is None else self.true_mtd + 1,
                "selection": [float(v) for v in self.selection], "no_selection": float(self.no_selection),
                "pcs": float(self.pcs), "acceptable": float(self.acceptable),
                "overdose_selection": float(self.overdose_selection), "stderr": se}


def _summarise(weights: np.ndarray, selected: np.ndarray, n: int, K: int, exact: bool, trials: int | None,
               truth: np.ndarray, target: float, interval: tuple[float, float] | None) -> BenchmarkOC:
    zeros = np.zeros((selected.size, K), dtype=np.int64)  # no allocation: no patients or DLTs per dose
    res = TrialResults(weights, selected, zeros, zeros, exact=exact, trials=trials, max_n=n)
    return BenchmarkOC.from_oc(summarise(res, truth, target, interval), n)


def benchmark_monte_carlo(u: np.ndarray, truth: np.ndarray, target: float,
                          interval: tuple[float, float] | None = None) -> BenchmarkOC:
    """The benchmark's selection OCs, with Monte Carlo standard errors, on the given patients (u: trials × n).

    Pass the tolerances the designs ran on (the pipeline's first draw field, its first n columns, n = the designs'
    sample size) to pair them.
    `interval` is the acceptable interval (default target ± 0.05), as for a design.
    """
    truth = np.asarray(truth, dtype=float)
    selected = benchmark_selection(u, truth, target)
    T = selected.size
    return _summarise(np.full(T, 1.0 / T), selected, int(np.shape(u)[1]), truth.size, False, T, truth, target,
                      interval)


def compositions(n: int, parts: int) -> np.ndarray:
    """Every vector of `parts` non-negative integers summing to n (rows; C(n + parts − 1, parts − 1) of them)."""
    rows = np.zeros((1, 0), dtype=np.int64)
    rest = np.array([n], dtype=np.int64)
    for _ in range(parts - 1):
        reps = rest + 1
        parent = np.repeat(np.arange(rest.size), reps)
        value = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)  # 0..rest within each parent
        rows = np.hstack([rows[parent], value[:, None]])
        rest = rest[parent] - value
    return np.hstack([rows, rest[:, None]])


def exact_outcomes(n: int, truth: np.ndarray, max_outcomes: int = MAX_OUTCOMES) -> tuple[np.ndarray, np.ndarray]:
    """Every possible vector of complete-information DLT counts of n patients (rows × doses), and its probability.

    With U(0, 1) tolerances, the numbers of patients whose u falls in each interval between the sorted distinct
    truths (and 0 and 1) are multinomial; the count at a dose is the number below its truth.
    """
    truth = np.asarray(truth, dtype=float)
    edges = np.unique(np.concatenate([[0.0], truth, [1.0]]))  # interval j = [edges[j], edges[j + 1]), all wider than 0
    q = np.diff(edges)
    m = math.comb(n + q.size - 1, q.size - 1)
    if m > max_outcomes:
        raise TooManyOutcomes(f"{m:,} outcome vectors for {n} patients and {truth.size} doses (limit {max_outcomes:,})")
    c = compositions(n, q.size)
    below = np.cumsum(np.hstack([np.zeros((c.shape[0], 1), dtype=np.int64), c]), axis=1)
    counts = below[:, np.searchsorted(edges, truth)]  # patients with u < truth[d]
    log_fact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, n + 1)))])
    log_p = log_fact[n] - log_fact[c].sum(axis=1) + c @ np.log(q)
    return counts, np.exp(log_p)


def benchmark_exact(n: int, truth: np.ndarray, target: float, interval: tuple[float, float] | None = None,
                    max_outcomes: int = MAX_OUTCOMES) -> BenchmarkOC:
    """The benchmark's selection OCs for n patients, exactly (a sum over the multinomial count vectors).

    Raises TooManyOutcomes beyond max_outcomes count vectors (use benchmark_monte_carlo).
    """
    if n < 1:
        raise ValueError(f"n = {n}: the benchmark needs at least one patient")
    truth = np.asarray(truth, dtype=float)
    counts, p = exact_outcomes(n, truth, max_outcomes)
    selected = closest_to_target(counts / n, target)
    return _summarise(p, selected, n, truth.size, True, None, truth, target, interval)
