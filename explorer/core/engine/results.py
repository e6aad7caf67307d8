"""End states of a batch of trials, weighted: what every OC is computed from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class TrialResults:
    """One arm's end states: each row a trial (Monte Carlo, weight 1/T) or a path class (exact, its probability).

    `selected` is the recommended dose (0-based) or -1 for no selection;
    `n` and `x` are patients and DLTs per dose (rows × doses).
    """

    weights: np.ndarray
    selected: np.ndarray
    n: np.ndarray
    x: np.ndarray
    exact: bool
    trials: int | None  # number simulated, None when exact
    max_n: int

    @property
    def n_doses(self) -> int:
        """Number of doses in the ladder."""
        return self.n.shape[1]


@dataclass(frozen=True)
class Outcomes:
    """The end states of a trial's arms, row for row (row i of every arm is the same trial or path class).

    `independent`: exact results of arms that share nothing, each arm's rows on their own (the joint law is the
    product of the arms' laws); then rows are not matched across arms.
    `time`: with a clock, each trial's time figures (clock.results.TrialTimes, row for row; None without a clock).
    """

    arms: tuple[TrialResults, ...]
    independent: bool = False
    time: Any = None

    @property
    def exact(self) -> bool:
        """Whether these are exact (no Monte Carlo error)."""
        return self.arms[0].exact

    @property
    def trials(self) -> int | None:
        """Trials simulated (None when exact)."""
        return self.arms[0].trials

    @property
    def weights(self) -> np.ndarray:
        """Row weights (shared by every arm unless independent)."""
        return self.arms[0].weights


def merge_chunks(parts: list[Outcomes]) -> Outcomes:
    """Monte Carlo outcomes of consecutive chunks of trials as one run (rows in order, weights 1/total)."""
    if len(parts) == 1:
        return parts[0]
    total = sum(p.trials or 0 for p in parts)
    w = np.full(total, 1.0 / total)
    arms = []
    for j, first in enumerate(parts[0].arms):
        arms.append(TrialResults(w, np.concatenate([p.arms[j].selected for p in parts]),
                                 np.concatenate([p.arms[j].n for p in parts]),
                                 np.concatenate([p.arms[j].x for p in parts]), exact=False, trials=total,
                                 max_n=first.max_n))
    time = None if parts[0].time is None else type(parts[0].time).concatenate([p.time for p in parts])
    return Outcomes(tuple(arms), time=time)
