"""The non-parametric optimal benchmark (O'Quigley, Paoletti & Maccario 2002; core/optimal.py) beside the designs of
one pipeline run, and each design's PCS as a fraction of the benchmark's.

Its patients: n = the largest sample size (max_n option) among the candidates' designs (benchmark_n). When some
designs are simulated and their draws cover n patients, the benchmark reads the same draws: the first field of each
patient is their latent tolerance (draws[:, 0, :n]), so the benchmark and the designs see the same patients, and a
design's ratio to it has a paired standard error (delta method on the per-trial ratio residuals). Otherwise (every
design exact, or the simulated ones enrol fewer patients) the benchmark is exact when its multinomial sum is small
enough, else simulated on its own draws from the protocol's seed, in the pipeline's chunks (the patients a simulated
design with n patients would get); ratios then have unpaired errors.

It is a reference, not a strict bound: no design knows more than every patient's outcome at every dose, but in a
given scenario a design can beat the benchmark's estimate (a prior or skeleton that puts the MTD where the truth has
it, sampling error near a tie).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..designs.base import Design
from ..engine.results import TrialResults
from ..oc import correct_selection, summarise
from ..optimal import BenchmarkOC, TooManyOutcomes, benchmark_exact, benchmark_selection

Ratio = tuple[float, float]  # (PCS / benchmark PCS, standard error)


def benchmark_n(designs: list[Design]) -> int:
    """The benchmark's patients: the largest sample size (max_n option) among the designs that have one, else the
    most patients any design can enrol (a 3+3's ladder-bound maximum is not a sample size)."""
    stated = [int(d.opts["max_n"]) for d in designs if "max_n" in d.opts]
    return max(stated) if stated else max(d.max_n for d in designs)


@dataclass
class Tracker:
    """The benchmark's selections, chunk by chunk, on the designs' draws (or on its own)."""

    truth: np.ndarray
    target: float
    interval: tuple[float, float]
    n: int
    selected: list[np.ndarray] = field(default_factory=list)

    def add(self, tolerances: np.ndarray) -> None:
        """One chunk of patients' tolerances (trials × at least n)."""
        self.selected.append(benchmark_selection(tolerances[:, :self.n], self.truth, self.target))

    def all_selected(self) -> np.ndarray:
        """Every trial's selection so far (merged once)."""
        if len(self.selected) > 1:
            self.selected = [np.concatenate(self.selected)]
        return self.selected[0]

    def oc(self) -> BenchmarkOC:
        """The benchmark's OCs so far (Monte Carlo)."""
        sel = self.all_selected()
        T, K = sel.size, self.truth.size
        zeros = np.zeros((T, K), dtype=np.int64)
        res = TrialResults(np.full(T, 1.0 / T), sel, zeros, zeros, exact=False, trials=T, max_n=self.n)
        return BenchmarkOC.from_oc(summarise(res, self.truth, self.target, self.interval), self.n)

    def correct(self) -> np.ndarray:
        """Per trial: the benchmark selected the true MTD (as floats)."""
        sel = self.all_selected()
        zeros = np.zeros((sel.size, self.truth.size), dtype=np.int64)
        res = TrialResults(np.ones(sel.size), sel, zeros, zeros, exact=False, trials=sel.size, max_n=self.n)
        return correct_selection(res, self.truth, self.target).astype(float)


def benchmark_from_dict(d: dict[str, Any]) -> BenchmarkOC:
    """Back from BenchmarkOC.to_dict() (a cached result)."""
    se = {k: (np.asarray(v, dtype=float) if isinstance(v, list) else float(v)) for k, v in d["stderr"].items()}
    mtd = d["true_mtd"]
    return BenchmarkOC(d["method"], d["trials"], d["n"], None if mtd is None else mtd - 1,
                       np.asarray(d["selection"], dtype=float), d["no_selection"], d["pcs"], d["acceptable"],
                       d["overdose_selection"], se)


def exact_or_none(n: int, truth: np.ndarray, target: float, interval: tuple[float, float]) -> BenchmarkOC | None:
    """The exact benchmark, or None when its multinomial sum is too large."""
    try:
        return benchmark_exact(n, truth, target, interval)
    except TooManyOutcomes:
        return None


def own_draws(seed: int, total: int, first: int, chunk: int, n: int, tracker: Tracker) -> BenchmarkOC:
    """The benchmark simulated on its own patients: the draws a one-arm design of n patients would get."""
    rng = np.random.default_rng(seed)
    done, size = 0, min(first, total)
    while done < total:
        tracker.add(rng.random((size, 1, n))[:, 0, :])
        done += size
        size = min(chunk, total - done)
    return tracker.oc()


def paired_ratio(design: np.ndarray, bench: np.ndarray) -> Ratio:
    """Mean(design) / mean(bench) over common trials, with its delta-method standard error."""
    b = float(bench.mean())
    if b <= 0:
        return math.nan, math.nan
    r = float(design.mean()) / b
    resid = (design - r * bench) / b
    return r, float(resid.std(ddof=1) / math.sqrt(design.size)) if design.size > 1 else 0.0


def unpaired_ratio(pcs: float, pcs_se: float, bench: BenchmarkOC) -> Ratio:
    """PCS / benchmark PCS with errors from each alone (exact figures have none)."""
    b, b_se = bench.pcs, float(bench.stderr.get("pcs", 0.0))
    if b <= 0:
        return math.nan, math.nan
    r = pcs / b
    rel = math.hypot(pcs_se / pcs if pcs > 0 else 0.0, b_se / b)
    return r, abs(r) * rel


__all__ = ["Ratio", "Tracker", "benchmark_from_dict", "benchmark_n", "exact_or_none", "own_draws", "paired_ratio",
           "unpaired_ratio"]
