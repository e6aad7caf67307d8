"""mTPI-2 (Guo et al. 2017), equivalently the Keyboard design (Yan et al. 2017): the most likely interval decides."""

from __future__ import annotations

import numpy as np

from .base import FLOAT, SAMPLE_SIZE_OPTIONS, Option
from .interval import (
    DEESCALATE,
    ESCALATE,
    STAY,
    IntervalDesign,
    count_grid,
    elimination_table,
    epsilon_options,
)


def interval_edges(target: float, eps1: float, eps2: float) -> tuple[np.ndarray, int]:
    """Edges of the equal-width intervals tiling [0, 1] around [target − eps1, target + eps2] (the end ones
    truncated), and the index of the target interval."""
    lo, hi = target - eps1, target + eps2
    w = eps1 + eps2
    below = np.arange(lo, 0.0, -w)[1:][::-1] if lo > 0 else np.array([])
    above = np.arange(hi, 1.0, w)[1:] if hi < 1 else np.array([])
    edges = np.concatenate([[0.0], below, [max(lo, 0.0), min(hi, 1.0)], above, [1.0]])
    edges = np.unique(np.clip(edges, 0.0, 1.0))
    return edges, int(np.searchsorted(edges, max(lo, 0.0), side="right") - 1)


class MTPI2(IntervalDesign):
    """mTPI-2 / Keyboard: the interval with the largest unit probability mass (posterior mass / width) decides.

    [0, 1] is cut into intervals of the width of the equivalence interval [target − epsilon1, target + epsilon2]
    (the two end ones truncated). With x DLTs of n at the current dose and a Beta(1, 1) prior, the interval
    of largest P(p in interval | x, n) / width is found: below the equivalence interval escalate, inside stay,
    above de-escalate. A dose with ≥ 3 patients and P(p > target | x, n) > cutoff_eli is eliminated with all
    higher doses; the MTD is chosen by isotonic regression as in BOIN.
    """

    method = "mtpi2"
    aliases = ("keyboard", "mtpi-2")
    order = 21
    title = "mTPI-2 / Keyboard (Guo et al. 2017; Yan et al. 2017)"
    summary = "Modified toxicity probability interval design: the most probable interval (key) decides."
    options = SAMPLE_SIZE_OPTIONS + epsilon_options() + (
        Option("cutoff_eli", FLOAT, 0.95, "eliminate a dose (and all above) when P(DLT rate > target) exceeds "
               "this, with at least 3 patients", low=0.5, high=1.0, label="Elimination cut-off"),
    )

    def build_tables(self, max_n: int) -> tuple[np.ndarray, np.ndarray]:
        """The decision by unit probability mass for every (n, x)."""
        from scipy.stats import beta

        edges, key = interval_edges(self.target, float(self.opts["epsilon1"]), float(self.opts["epsilon2"]))
        n, x, ok = count_grid(max_n)
        xx = np.minimum(x, n)[..., None].astype(float)
        nn = n[..., None].astype(float)
        cdf = beta.cdf(edges[None, None, :], xx + 1, nn - xx + 1)
        upm = np.diff(cdf, axis=-1) / np.diff(edges)
        best = np.argmax(upm, axis=-1)
        action = np.where(best < key, ESCALATE, np.where(best > key, DEESCALATE, STAY))
        action = np.where(ok, action, STAY).astype(np.int8)
        return action, elimination_table(self.target, self.cutoff(), max_n)
