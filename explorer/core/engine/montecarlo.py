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
    T = u.shape[0]
    K = design.n_doses
    max_n = design.max_n
    if u.shape[1] < max_n:
        raise ValueError(f"tolerances have {u.shape[1]} columns; the design needs {max_n}")
    n = np.zeros((T, K), dtype=np.int64)
    x = np.zeros((T, K), dtype=np.int64)
    cur = np.full(T, -1, dtype=np.int64)
    total = np.zeros(T, dtype=np.int64)
    extra = design.initial_extra(T)
    selected = np.full(T, -1, dtype=np.int64)
    live = np.arange(T)
    cohorts: list[list[Cohort]] = [[] for _ in range(T)] if history else []
    cols = np.arange(design.max_cohort)
    for _ in range(max_n + 2):
        if live.size == 0:
            break
        dec = design.decide(n[live], x[live], cur[live], extra[live])
        extra[live] = dec.extra
        stopping = dec.stop
        selected[live[stopping]] = dec.selected[stopping]
        go = ~stopping
        live, dose, size = live[go], dec.dose[go], np.minimum(dec.size[go], max_n - total[live[go]])
        if np.any(size <= 0) or np.any(dose < 0) or np.any(dose >= K):
            raise DesignError(f"{design.method} neither stopped nor gave a valid dose and cohort "
                              f"(doses {dose[:5]}, sizes {size[:5]})")
        idx = total[live][:, None] + cols[None, :]
        in_cohort = cols[None, :] < size[:, None]
        tox = (u[live[:, None], np.minimum(idx, max_n - 1)] < truth[dose][:, None]) & in_cohort
        ntox = tox.sum(axis=1)
        n[live, dose] += size
        x[live, dose] += ntox
        total[live] += size
        cur[live] = dose
        if history:
            for t, d, s, row in zip(live, dose, size, tox):
                cohorts[t].append(Cohort(int(d), tuple(bool(v) for v in row[:s])))
    else:
        raise DesignError(f"{design.method} did not stop within {max_n} cohorts")
    return selected, n, x, cohorts


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
