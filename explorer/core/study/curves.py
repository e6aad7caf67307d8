"""Truths a study generates: the MTD at each level (and none), all safe, all toxic, and random monotone curves drawn
by the pseudo-uniform algorithm of Clertant & O'Quigley (2017).

The true MTD here is always the project's (oc.true_mtd): the dose closest to the target, ties to the lower, none when
every dose is above target + 0.10.
"""

from __future__ import annotations

import numpy as np

from ..oc import true_mtd
from ..scenarios import curve_from_mtd

#: The log-odds step per level of the generated logistic curves (`{"mtd_at": "each"}`, all safe, all toxic).
STEEPNESS = 1.0
#: Random curves are rounded to this many decimals (before the MTD is checked) so that they read well in tables.
DECIMALS = 3
#: Candidate curves drawn at once while rejecting (the draws are made in blocks of this size, so a seed gives one
#: sequence of curves whatever the acceptance rate).
BLOCK = 256


def mtd_at(levels: int, level: int | None, target: float, steepness: float = STEEPNESS) -> list[float]:
    """A logistic truth whose true MTD is `level` (1-based), or None for no acceptable dose (the target one level
    below the ladder). Raises ValueError when the steepness is too small for that (the curve would be too flat)."""
    curve = curve_from_mtd(levels, 0 if level is None else level, target, steepness)
    got = true_mtd(np.asarray(curve), target)
    if (None if got is None else got + 1) != level:
        where = "no dose acceptable" if level is None else f"the MTD at level {level}"
        raise ValueError(f"a steepness of {steepness:g} is too flat for {where}; give a steeper curve (e.g. 1).")
    return curve


def all_safe(levels: int, target: float, steepness: float = STEEPNESS) -> list[float]:
    """Every dose below the target (the target one level above the ladder): the top dose is the true MTD."""
    return curve_from_mtd(levels, levels + 1, target, steepness)


def all_toxic(levels: int, target: float, steepness: float = STEEPNESS) -> list[float]:
    """Every dose above target + 0.10: no dose is acceptable (the target one level below the ladder)."""
    return mtd_at(levels, None, target, steepness)


def pseudo_uniform(rng: np.random.Generator, levels: int, target: float) -> tuple[list[float], int]:
    """One random monotone truth and its true MTD (1-based), by the pseudo-uniform algorithm of Clertant &
    O'Quigley (2017, JRSS B 79:1487-1508):

    1. the MTD level l is uniform on 1..K;
    2. an upper bound B = target + (1 - target) M, M ~ Beta(max(K - l, 0.5), 1) (the more levels above the MTD,
       the higher the curve may climb);
    3. K uniforms on [0, B], sorted, drawn again until the true MTD is l.

    Given l and B the curve is uniform over the sorted vectors with that MTD, hence "pseudo-uniform". Rejection
    uses the project's true-MTD rule, so a curve whose doses are all above target + 0.10 is redrawn (l is never
    "none").
    """
    level = int(rng.integers(1, levels + 1))
    bound = upper_bound(rng, levels, level, target)
    return curve_given(rng, levels, level, bound, target), level


def upper_bound(rng: np.random.Generator, levels: int, level: int, target: float) -> float:
    """Step 2: B = target + (1 - target) M, M ~ Beta(max(K - l, 0.5), 1)."""
    return target + (1 - target) * float(rng.beta(max(levels - level, 0.5), 1.0))


def curve_given(rng: np.random.Generator, levels: int, level: int, bound: float, target: float) -> list[float]:
    """Step 3: sorted uniforms on [0, bound], rounded to DECIMALS, redrawn until the true MTD is `level` (1-based).
    Candidates are drawn BLOCK at a time and the first accepted one is kept."""
    while True:
        block = np.round(np.sort(rng.uniform(0.0, bound, size=(BLOCK, levels)), axis=1), DECIMALS)
        dist = np.abs(block - target)
        # the project's rule row by row: closest to the target (ties: lower), none if every dose is too toxic
        closest = np.argmax(dist <= dist.min(axis=1, keepdims=True) + 1e-12, axis=1)
        none = np.all(block > target + 0.10 + 1e-12, axis=1)
        ok = np.flatnonzero((closest == level - 1) & ~none)
        if ok.size:
            curve = [float(v) for v in block[ok[0]]]
            assert true_mtd(np.asarray(curve), target) == level - 1
            return curve


def random_curves(count: int, seed: int, levels: int, target: float) -> list[tuple[list[float], int]]:
    """`count` pseudo-uniform truths; curve i is drawn from its own stream (seed, i), so the first n of a longer list
    are the same curves."""
    return [pseudo_uniform(np.random.default_rng([seed, i]), levels, target) for i in range(count)]


__all__ = ["STEEPNESS", "all_safe", "all_toxic", "curve_given", "mtd_at", "pseudo_uniform", "random_curves",
           "upper_bound"]
