"""Vectorised Monte Carlo: many trials advance together, each patient with a latent tolerance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..designs.base import Design
from ..errors import DesignError
from .results import TrialResults


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


def simulate(design: Design, truth: np.ndarray, trials: int, rng: np.random.Generator,
             u: np.ndarray | None = None) -> TrialResults:
    """Simulate `trials` trials of the design; pass `u` to run it on given patients (paired comparisons)."""
    truth = np.asarray(truth, dtype=float)
    if u is None:
        u = tolerances(rng, trials, design.max_n)
    selected, n, x, _ = _run(design, truth, u[:trials])
    return TrialResults(np.full(trials, 1.0 / trials), selected, n, x, exact=False, trials=trials,
                        max_n=design.max_n)


def simulate_trial(design: Design, truth: np.ndarray, rng: np.random.Generator) -> tuple[list[Cohort], int]:
    """One simulated trial, cohort by cohort, and its selected dose (-1 for none): the teaching view."""
    truth = np.asarray(truth, dtype=float)
    selected, _, _, cohorts = _run(design, truth, tolerances(rng, 1, design.max_n), history=True)
    return cohorts[0], int(selected[0])
