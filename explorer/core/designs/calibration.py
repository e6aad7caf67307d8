"""CRM skeleton calibration by the indifference-interval method of Lee & Cheung (2009), as dfcrm's `getprior`."""

from __future__ import annotations

import math

import numpy as np


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def calibrate_skeleton(halfwidth: float, target: float, prior_mtd: int, n_doses: int,
                       model: str = "empiric", intercept: float = 3.0) -> np.ndarray:
    """The skeleton with indifference intervals target ± halfwidth and the prior MTD at level prior_mtd (1-based).

    Neighbouring doses k and k + 1 are made equally close to the target where one model curve puts dose k at
    target − halfwidth and dose k + 1 at target + halfwidth. Working on the model's "dose" scale (the skeleton
    itself for the empiric model p = s^exp(b), logit(s) − intercept for the logistic one), one step down from a
    dose multiplies its scaled dose by g(target − halfwidth) / g(target + halfwidth), with g = log for the
    empiric model and g = logit − intercept for the logistic one; one step up divides by the same ratio.
    """
    lo, hi = target - halfwidth, target + halfwidth
    if not 0.0 < lo < hi < 1.0:
        raise ValueError(f"target ± halfwidth = [{lo:g}, {hi:g}] must lie strictly inside (0, 1)")
    if not 1 <= prior_mtd <= n_doses:
        raise ValueError(f"prior_mtd = {prior_mtd} must be a level from 1 to {n_doses}")
    if model == "empiric":
        def g(p: float) -> float:
            return math.log(p)
    elif model == "logistic":
        def g(p: float) -> float:
            return _logit(p) - intercept
    else:
        raise ValueError(f'unknown model "{model}"')
    if not g(hi) < 0.0:
        raise ValueError(f"intercept {intercept:g} is too small: logit({hi:g}) − intercept must be negative")
    ratio = g(lo) / g(hi)  # > 1: lower doses have more negative scaled doses
    nu = prior_mtd - 1
    scaled = g(target) * ratio ** (nu - np.arange(n_doses, dtype=float))
    if model == "empiric":
        return np.exp(scaled)
    return 1.0 / (1.0 + np.exp(-(intercept + scaled)))
