"""Ready-made ladders and truths: presets, a log-spaced ladder, a curve from "MTD at level k", random scenarios."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

ILLUSTRATIVE = ("Illustrative values only: not estimates from the CAR4SAR trial (NCT06087341) or any other trial.")


@dataclass(frozen=True)
class Preset:
    """A starting scenario: ladder, truth, target and design; two-arm presets add Arm B's truth and the arm design."""

    key: str  # short name for links: ?preset=car4sar-two-arm
    name: str
    labels: tuple[str, ...]
    values: tuple[float, ...] | None
    unit: str
    truth: tuple[float, ...]  # Arm A's in a two-arm preset
    target: float
    method: str
    note: str
    truth_b: tuple[float, ...] | None = None
    arm_names: tuple[str, str] = ("A", "B")
    arm_design: dict[str, Any] | None = None

    @property
    def two_arm(self) -> bool:
        """Whether this preset has two arms."""
        return self.truth_b is not None


CELLS = ("1e5 cells/kg", "3e5 cells/kg", "1e6 cells/kg", "3e6 cells/kg")
CELL_VALUES = (1e5, 3e5, 1e6, 3e6)
PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("car4sar-two-arm", "CAR4SAR-like, two arms: 3+3, staggered, 18 patients", CELLS, CELL_VALUES,
           "cells/kg", (0.05, 0.12, 0.25, 0.45), 0.25, "3+3",
           "As in CAR4SAR: Arm A systemic, Arm B systemic + local CAR T cells; a 4-level cells/kg ladder chosen by us, "
           "3+3 in each arm, Arm B treats a level only after Arm A has cleared it, 18 patients in all, half of them "
           "eligible for Arm B. " + ILLUSTRATIVE,
           truth_b=(0.08, 0.18, 0.33, 0.55), arm_names=("A (systemic)", "B (systemic + local)"),
           arm_design={"mode": "staggered", "max_total": 18, "eligible_b": 0.5, "assignment": "b_first",
                       "offset": 1}),
    Preset("car4sar-arm-a", "CAR4SAR-like, Arm A only (cells/kg, 3+3)", CELLS, CELL_VALUES, "cells/kg",
           (0.05, 0.12, 0.25, 0.45), 0.25, "3+3", "A CAR T-cell ladder on a log scale, as in CAR4SAR. " + ILLUSTRATIVE),
    Preset("five-doses", "Five doses, MTD at DL3", ("DL1", "DL2", "DL3", "DL4", "DL5"), None, "",
           (0.05, 0.10, 0.20, 0.35, 0.50), 0.20, "3+3", "A textbook scenario. " + ILLUSTRATIVE),
    Preset("all-safe", "All doses safe", ("DL1", "DL2", "DL3", "DL4"), None, "", (0.02, 0.04, 0.06, 0.08), 0.25,
           "3+3", "No dose reaches the target: a good design escalates to the top. " + ILLUSTRATIVE),
    Preset("all-toxic", "All doses too toxic", ("DL1", "DL2", "DL3", "DL4"), None, "", (0.40, 0.50, 0.60, 0.70),
           0.25, "3+3", "Every dose is above target + 0.10: the right answer is no selection. " + ILLUSTRATIVE),
)}
DEFAULT_PRESET = next(iter(PRESETS))  # the two-arm CAR4SAR-like trial that started the project


def find_preset(key_or_name: str | None) -> Preset | None:
    """The preset with this key or name, if any."""
    return next((p for p in PRESETS.values() if key_or_name in (p.key, p.name)), None)


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
