"""Exact enumeration: every reachable count state with its probability, merged where paths meet."""

from __future__ import annotations

from math import comb
from typing import Protocol

import numpy as np

from ..designs.base import Design
from ..errors import DesignError
from .results import TrialResults
from .states import merge_rows

#: Below this many live states, merging identical states costs more than it saves.
MERGE_ABOVE = 512


class StepGuard(Protocol):
    """What watches an enumeration: told the live states after each step, it may stop it by raising."""

    def check(self, states: int) -> None: ...


def _merge(n, x, cur, extra, p):
    first, w = merge_rows(np.hstack([n, x, cur[:, None], extra]), p)
    return n[first], x[first], cur[first], extra[first], w


def enumerate_exact(design: Design, truth: np.ndarray, guard: StepGuard | None = None) -> TrialResults:
    """Exact end-state distribution of the design under the truth (binomial branching per cohort, identical count
    states merged); `guard` is told the live states after each cohort and may stop the enumeration."""
    truth = np.asarray(truth, dtype=float)
    K, max_n, M = design.n_doses, design.max_n, design.max_cohort
    binom = np.array([[comb(m, y) for y in range(M + 1)] for m in range(M + 1)], dtype=float)
    ys = np.arange(M + 1)

    n = np.zeros((1, K), dtype=np.int64)
    x = np.zeros((1, K), dtype=np.int64)
    cur = np.full(1, -1, dtype=np.int64)
    extra = design.initial_extra(1)
    p = np.ones(1)
    ends: list[tuple[np.ndarray, ...]] = []
    merge_above = MERGE_ABOVE
    for _ in range(max_n + 2):
        if p.size == 0:
            break
        dec = design.decide(n, x, cur, extra)
        extra = dec.extra
        s = dec.stop
        if s.any():
            ends.append((p[s], dec.selected[s], n[s], x[s]))
        go = ~s
        n, x, extra, p = n[go], x[go], extra[go], p[go]
        dose = dec.dose[go]
        size = np.minimum(dec.size[go], max_n - n.sum(axis=1))
        if p.size == 0:
            break
        if np.any(size <= 0) or np.any(dose < 0) or np.any(dose >= K):
            raise DesignError(f"{design.method} neither stopped nor gave a valid dose and cohort")
        t = truth[dose][:, None]
        pmf = binom[size][:, : M + 1] * t ** ys * (1.0 - t) ** np.maximum(size[:, None] - ys, 0)
        pmf[ys[None, :] > size[:, None]] = 0.0
        child_p = (p[:, None] * pmf).ravel()
        keep = child_p > 0.0
        parent = np.repeat(np.arange(p.size), M + 1)[keep]
        y = np.tile(ys, p.size)[keep]
        rows = np.arange(parent.size)
        n, x = n[parent].copy(), x[parent].copy()
        d = dose[parent]
        n[rows, d] += size[parent]
        x[rows, d] += y
        cur, extra, p = d, extra[parent], child_p[keep]
        if p.size > merge_above:
            before = p.size
            n, x, cur, extra, p = _merge(n, x, cur, extra, p)
            if p.size > 0.8 * before:  # paths rarely meet in this design (e.g. 3+3): merge less often
                merge_above = 4 * before
        if guard is not None:
            guard.check(p.size)
    else:
        raise DesignError(f"{design.method} did not stop within {max_n} cohorts")
    w, sel, nn, xx = (np.concatenate(a) for a in zip(*ends))
    return TrialResults(w, sel, nn, xx, exact=True, trials=None, max_n=max_n)
