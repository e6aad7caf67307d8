"""Time operating characteristics: how long trials take, who waits, who is lost, and decisions on pending data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .results import TimeFigures, TrialTimes
from .spec import TimeModel

#: Bins of a continuous figure's distribution.
BINS = 30


@dataclass(frozen=True)
class Figure:
    """One per-trial figure over the trials: mean, SD, median, 90th percentile and distribution, with the Monte
    Carlo standard errors of the mean and of the two quantiles."""

    mean: float
    sd: float
    median: float
    p90: float
    edges: np.ndarray
    probability: np.ndarray
    stderr: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """{"mean", "sd", "median", "p90", "distribution": {"edges", "probability"}, "stderr"}."""
        return {"mean": self.mean, "sd": self.sd, "median": self.median, "p90": self.p90,
                "distribution": {"edges": [float(e) for e in self.edges],
                                 "probability": [float(p) for p in self.probability]},
                "stderr": dict(self.stderr)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Figure:
        """Back from `to_dict` (a cached result)."""
        dist = d["distribution"]
        return cls(d["mean"], d["sd"], d["median"], d["p90"], np.asarray(dist["edges"], dtype=float),
                   np.asarray(dist["probability"], dtype=float), dict(d["stderr"]))


def _quantile_se(v: np.ndarray, q: float) -> float:
    """Distribution-free standard error of the q-quantile: half the spread of the empirical quantiles at
    q ± sqrt(q(1 − q)/T), the order statistics one binomial standard error either side."""
    s = np.sqrt(q * (1 - q) / v.size)
    lo, hi = np.quantile(v, [max(q - s, 0.0), min(q + s, 1.0)])
    return float((hi - lo) / 2)


def figure(v: np.ndarray) -> Figure:
    """Summarise one per-trial figure (Monte Carlo: each trial weighs 1/T)."""
    v = np.asarray(v, dtype=float)
    T = v.size
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if T > 1 else 0.0
    if np.allclose(v, np.round(v)) and np.ptp(v) <= 4 * BINS:  # counts: one bin per value
        edges = np.arange(v.min() - 0.5, v.max() + 1.5)
    elif np.ptp(v) == 0:
        edges = np.array([v[0] - 0.5, v[0] + 0.5])
    else:
        edges = np.linspace(v.min(), v.max(), BINS + 1)
    counts, _ = np.histogram(v, bins=edges)
    return Figure(mean, sd, float(np.median(v)), float(np.quantile(v, 0.9)), edges, counts / T,
                  {"mean": sd / np.sqrt(T), "median": _quantile_se(v, 0.5), "p90": _quantile_se(v, 0.9)})


def _ratio(num: np.ndarray, den: np.ndarray) -> tuple[float, float]:
    """Σnum / Σden over trials, with its delta-method standard error (0 where the denominator is 0)."""
    T = num.size
    d = float(den.mean())
    if d == 0:
        return 0.0, 0.0
    r = float(num.mean()) / d
    resid = num - r * den
    return r, float(np.sqrt(resid.var(ddof=1) / T) / d) if T > 1 else 0.0


@dataclass(frozen=True)
class TimeOC:
    """Time OCs of one arm (or a whole trial): per-trial figures, and two ratios over all trials."""

    time_unit: str
    duration_definition: str
    trials: int
    figures: dict[str, Figure]
    mean_wait: float          # mean wait of a patient who waited
    mean_wait_se: float
    share_pending: float      # share of decisions made with outcomes pending
    share_pending_se: float

    def to_dict(self) -> dict[str, Any]:
        """As the command line's JSON: {"duration": {...}, "time_to_mtd": {...}, ..., "mean_wait": {...}}."""
        out: dict[str, Any] = {"time_unit": self.time_unit, "duration_definition": self.duration_definition}
        out.update({k: f.to_dict() for k, f in self.figures.items()})
        out["mean_wait"] = {"mean": self.mean_wait, "stderr": {"mean": self.mean_wait_se}}
        out["share_pending"] = {"mean": self.share_pending, "stderr": {"mean": self.share_pending_se}}
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any], trials: int) -> TimeOC:
        """Back from `to_dict` (a cached result)."""
        return cls(d["time_unit"], d["duration_definition"], trials, {k: Figure.from_dict(d[k]) for k in REPORTED},
                   d["mean_wait"]["mean"], d["mean_wait"]["stderr"]["mean"], d["share_pending"]["mean"],
                   d["share_pending"]["stderr"]["mean"])


#: The per-trial figures reported, as ClockResults names them.
REPORTED = ("duration", "time_to_mtd", "accrual_time", "waited", "lost", "total_wait", "suspended", "decisions")


def summarise_time(res: TimeFigures, time: TimeModel | None = None) -> TimeOC:
    """The time OCs of a batch of trials run with a clock (`time`: their clock; default a ClockResults' own)."""
    time = time if time is not None else res.time
    figs = {k: figure(res.figure(k)) for k in REPORTED}
    wait, wait_se = _ratio(res.total_wait, res.waited)
    share, share_se = _ratio(res.pending_decisions, res.decisions)
    return TimeOC(time.time_unit, time.duration, res.duration.size, figs, wait, wait_se, share, share_se)


@dataclass(frozen=True)
class TrialTimeOC:
    """The time OCs of one design under a scenario with a clock: each arm's, and with two arms the whole trial's."""

    arms: tuple[TimeOC, ...]
    trial: TimeOC | None = None

    def to_dict(self) -> dict[str, Any]:
        """{"arms": [...], "trial": {...} or null} (the cache's form)."""
        return {"arms": [a.to_dict() for a in self.arms], "trial": None if self.trial is None else
                self.trial.to_dict(), "trials": self.arms[0].trials}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrialTimeOC:
        """Back from `to_dict`."""
        T = d["trials"]
        return cls(tuple(TimeOC.from_dict(a, T) for a in d["arms"]),
                   None if d["trial"] is None else TimeOC.from_dict(d["trial"], T))


def summarise_times(times: TrialTimes) -> TrialTimeOC:
    """Each arm's time OCs and, with two arms, the whole trial's (on the first arm's clock: they share accrual)."""
    arms = tuple(summarise_time(f, m) for f, m in zip(times.arms, times.models))
    return TrialTimeOC(arms, None if times.trial is None else summarise_time(times.trial, times.models[0]))
