"""The i3+3 design (Liu, Wang & Ji 2020): the 3+3 logic on the observed rate against an equivalence interval."""

from __future__ import annotations

import numpy as np

from .base import SAMPLE_SIZE_OPTIONS
from .interval import (
    DEESCALATE,
    ESCALATE,
    STAY,
    IntervalDesign,
    count_grid,
    elimination_table,
    epsilon_options,
)

#: Float slack when an observed rate x/n meets an interval end (0.2 = 0.25 − 0.05 counts as inside).
_TOL = 1e-9
#: The paper's safety rule: P(p > target | x, n) > 0.95 with ≥ 3 patients removes the dose and all above.
CUTOFF = 0.95


class I3Plus3(IntervalDesign):
    """i3+3: with x DLTs of n at the current dose and the interval [target − epsilon1, target + epsilon2]:
    x/n below it escalate; inside it stay; above it de-escalate, except stay when (x − 1)/n is below it
    (one DLT fewer would have meant escalating). Doses with P(p > target | x, n) > 0.95 (n ≥ 3, Beta(1, 1))
    are removed with all higher doses; the MTD is chosen by isotonic regression as in BOIN.
    """

    method = "i3+3"
    aliases = ("i3plus3",)
    order = 22
    title = "i3+3 (Liu et al. 2020)"
    summary = "Interval 3+3: escalate, stay or de-escalate by where x/n falls against the equivalence interval."
    options = SAMPLE_SIZE_OPTIONS + epsilon_options()
    cutoff_default = CUTOFF

    def build_tables(self, max_n: int) -> tuple[np.ndarray, np.ndarray]:
        """The i3+3 rule for every (n, x)."""
        lo = self.target - float(self.opts["epsilon1"])
        hi = self.target + float(self.opts["epsilon2"])
        n, x, ok = count_grid(max_n)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(n > 0, x / np.maximum(n, 1), 0.0)
            rate_less_one = np.where(n > 0, (x - 1) / np.maximum(n, 1), 0.0)
        action = np.where(rate < lo - _TOL, ESCALATE, np.where(rate <= hi + _TOL, STAY,
                          np.where(rate_less_one < lo - _TOL, STAY, DEESCALATE)))
        action = np.where(ok, action, STAY).astype(np.int8)
        return action, elimination_table(self.target, self.cutoff(), max_n)
