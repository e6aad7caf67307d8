"""The end states of a batch of trials, weighted: what every OC is computed from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TrialResults:
    """End states of trials: each row a trial (Monte Carlo, weight 1/T) or a path class (exact, its probability).

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
