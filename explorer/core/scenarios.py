"""Ready-made ladders and truths: a log-spaced ladder, a curve from "MTD at level k", random monotone scenarios."""

from __future__ import annotations

import math

import numpy as np


def log_ladder(low: float, high: float, levels: int) -> list[float]:
    """`levels` doses spaced evenly on a log scale from low to high, rounded to 2 significant figures."""
    if levels < 2 or low <= 0 or high <= low:
        raise ValueError("need at least 2 levels and 0 < low < high")
    raw = np.exp(np.linspace(math.log(low), math.log(high), levels))
    return [float(f"{v:.2g}") for v in raw]


def dose_label(value: float, unit: str) -> str:
    """A short label for a numeric dose, e.g. '3e5 cells/kg'."""
    mantissa, exponent = f"{value:.1e}".split("e")
    m = mantissa.rstrip("0").rstrip(".")
    text = f"{m}e{int(exponent)}" if abs(int(exponent)) >= 3 else f"{value:g}"
    return f"{text} {unit}".strip()


def curve_from_mtd(levels: int, mtd: int, target: float, steepness: float) -> list[float]:
    """A logistic truth with the target exactly at level `mtd` (1-based); steepness is the log-odds step per level."""
    logit = math.log(target / (1 - target))
    return [round(1 / (1 + math.exp(-(logit + steepness * (k - mtd)))), 3) for k in range(1, levels + 1)]


def random_monotone(rng: np.random.Generator, levels: int, target: float) -> list[float]:
    """A random increasing truth whose values straddle the target (drawn from rng, so a seed reproduces it)."""
    mtd = int(rng.integers(1, levels + 1))
    steepness = float(rng.uniform(0.4, 1.6))
    base = curve_from_mtd(levels, mtd, target, steepness)
    jitter = np.sort(np.clip(np.asarray(base) + rng.normal(0, 0.03, levels), 0.01, 0.95))
    return [round(float(v), 2) for v in jitter]


def dose_below(labels: list[str], values: list[float] | None, unit: str) -> tuple[str, float | None]:
    """A label and value for a new level below the first ("dose −1"): one log step down when values are known."""
    if values and len(values) >= 2 and values[0] > 0:
        v = float(f"{values[0] * values[0] / values[1]:.2g}")
        return dose_label(v, unit), v
    if values:
        v = values[0] / 2
        return dose_label(v, unit), v
    label = "DL-1"
    while label in labels:
        label += "'"
    return label, None
