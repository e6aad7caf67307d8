"""Vectorised Monte Carlo: many trials advance together, each patient with a latent tolerance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..designs.base import Design
from ..errors import DesignError
from .results import TrialResults
from .trace import TrialTrace


def tolerances(rng: np.random.Generator, trials: int, max_n: int) -> np.ndarray:
    """Latent tolerances u ~ U(0, 1): patient i of trial t has a DLT at dose d iff u[t, i] < truth[d].

    Drawn row by row so that trial t's patients do not depend on the batch's later trials
    (the same seed gives the same first trials whatever the number asked for).
    """
    return rng.random((trials, max_n))


@dataclass(frozen=True)
class Cohort:
    """One cohort of a simulated trial: its dose (0-based) and each patient's DLT."""

    dose: int
    dlts: tuple[bool, ...]


def _run(design: Design, truth: np.ndarray, u: np.ndarray, history: bool = False):
    """Every trial of the batch, cohort by cohort, to its end.

    The state arrays hold the live trials only (`live`: their rows in `u`), and the design decides on them as they
    are. When trials stop, their counts go to the results and the arrays are compacted.
    """
    T = u.shape[0]
    K = design.n_doses
    max_n = design.max_n
    if u.shape[1] < max_n:
        raise ValueError(f"tolerances have {u.shape[1]} columns; the design needs {max_n}")
    n_end = np.zeros((T, K), dtype=np.int64)
    x_end = np.zeros((T, K), dtype=np.int64)
    selected = np.full(T, -1, dtype=np.int64)
    n, x = n_end.copy(), x_end.copy()
    cur = np.full(T, -1, dtype=np.int64)
    total = np.zeros(T, dtype=np.int64)
    extra = design.initial_extra(T)
    live = np.arange(T)
    cohorts: list[list[Cohort]] = [[] for _ in range(T)] if history else []
    cols = np.arange(design.max_cohort)
    u_flat, width = u.reshape(-1), u.shape[1]  # (a view where u is contiguous: one take per cohort's tolerances)
    for _ in range(max_n + 2):
        if live.size == 0:
            break
        dec = design.decide(n, x, cur, extra)
        extra, dose, size = dec.extra, dec.dose, dec.size
        stopping = dec.stop
        if stopping.any():
            out = np.flatnonzero(stopping)
            gone = live[out]
            selected[gone] = dec.selected[out]
            n_end[gone], x_end[gone] = n[out], x[out]
            keep = np.flatnonzero(~stopping)
            live, n, x, cur, total, extra, dose, size = (
                a.take(keep, axis=0) for a in (live, n, x, cur, total, extra, dose, size))
            if live.size == 0:
                break
        size = np.minimum(size, max_n - total)
        if size.min() <= 0 or dose.min() < 0 or dose.max() >= K:
            raise DesignError(f"{design.method} neither stopped nor gave a valid dose and cohort "
                              f"(doses {dose[:5]}, sizes {size[:5]})")
        patient = np.minimum(total[:, None] + cols[None, :], max_n - 1) + (live * width)[:, None]
        tox = (u_flat.take(patient) < truth.take(dose)[:, None]) & (cols[None, :] < size[:, None])
        at = np.arange(live.size) * K + dose  # each live trial's cell at its dose, in the flat n and x
        n.reshape(-1)[at] += size
        x.reshape(-1)[at] += tox.sum(axis=1)
        total = total + size
        cur = dose
        if history:
            for t, d, s, row in zip(live, dose, size, tox):
                cohorts[t].append(Cohort(int(d), tuple(bool(v) for v in row[:s])))
    else:
        raise DesignError(f"{design.method} did not stop within {max_n} cohorts")
    return selected, n_end, x_end, cohorts


def simulate(design: Design, truth: np.ndarray, u: np.ndarray) -> TrialResults:
    """Simulate one trial of the design per row of `u`, the latent tolerances of each trial's patients in order of
    entry (trials × at least max_n; several designs run on the same `u` are compared on common patients)."""
    truth = np.asarray(truth, dtype=float)
    trials = u.shape[0]
    selected, n, x, _ = _run(design, truth, u)
    return TrialResults(np.full(trials, 1.0 / trials), selected, n, x, exact=False, trials=trials,
                        max_n=design.max_n)


def simulate_trial(design: Design, truth: np.ndarray, u: np.ndarray) -> TrialTrace:
    """One simulated trial on the latent tolerances `u` (its patients in order of entry), patient by patient."""
    truth = np.asarray(truth, dtype=float)
    selected, _, _, cohorts = _run(design, truth, u[None, :], history=True)
    dose = tuple(c.dose for c in cohorts[0] for _ in c.dlts)
    dlt = tuple(t for c in cohorts[0] for t in c.dlts)
    ends = tuple(i == len(c.dlts) - 1 for c in cohorts[0] for i in range(len(c.dlts)))
    return TrialTrace((0,) * len(dose), dose, dlt, ends, (int(selected[0]),))
