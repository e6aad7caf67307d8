"""Operating characteristics (DESIGN.md §4) with their standard errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .engine.results import TrialResults

#: A dose whose truth exceeds the target by more than this is an overdose; if every dose does, no dose is acceptable.
OVERDOSE_MARGIN = 0.10
_TIE = 1e-12


def true_mtd(truth: np.ndarray, target: float) -> int | None:
    """The 0-based dose whose truth is closest to the target (ties: the lower), or None if all are too toxic."""
    truth = np.asarray(truth, dtype=float)
    if np.all(truth > target + OVERDOSE_MARGIN + _TIE):
        return None
    dist = np.abs(truth - target)
    return int(np.flatnonzero(dist <= dist.min() + _TIE)[0])


def acceptable_doses(truth: np.ndarray, interval: tuple[float, float]) -> np.ndarray:
    """Which doses have a truth inside the acceptable interval."""
    truth = np.asarray(truth, dtype=float)
    return (truth >= interval[0] - _TIE) & (truth <= interval[1] + _TIE)


@dataclass(frozen=True)
class OperatingCharacteristics:
    """What a design does under one truth, exact or estimated by Monte Carlo (with standard errors)."""

    method: str  # "exact" or "monte-carlo"
    trials: int | None
    true_mtd: int | None  # 0-based here; 1-based in to_dict()
    selection: np.ndarray
    no_selection: float
    patients: np.ndarray
    dlts: np.ndarray
    sample_size: float
    sample_size_sd: float
    sample_size_distribution: dict[int, float]
    pcs: float
    acceptable: float
    overdose_selection: float
    overdose_patients: float
    stderr: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the command-line contract (DESIGN.md §5), plus a few extra keys."""
        def lst(a: np.ndarray) -> list[float]:
            return [float(v) for v in a]

        se = {k: (lst(v) if isinstance(v, np.ndarray) else float(v)) for k, v in self.stderr.items()}
        return {
            "method": self.method,
            "trials": self.trials,
            "true_mtd": None if self.true_mtd is None else self.true_mtd + 1,
            "selection": lst(self.selection),
            "no_selection": float(self.no_selection),
            "patients": lst(self.patients),
            "dlts": lst(self.dlts),
            "sample_size": float(self.sample_size),
            "pcs": float(self.pcs),
            "acceptable": float(self.acceptable),
            "overdose_selection": float(self.overdose_selection),
            "overdose_patients": float(self.overdose_patients),
            "stderr": se,
            "sample_size_sd": float(self.sample_size_sd),
            "sample_size_distribution": {str(k): float(v) for k, v in self.sample_size_distribution.items()},
        }


def _mean_se(values: np.ndarray, w: np.ndarray, exact: bool, trials: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean over rows, and its Monte Carlo standard error (zero when exact)."""
    mean = np.tensordot(w, values, axes=(0, 0))
    if exact:
        return mean, np.zeros_like(np.asarray(mean, dtype=float))
    var = np.tensordot(w, (values - mean) ** 2, axes=(0, 0)) * trials / max(trials - 1, 1)
    return mean, np.sqrt(var / trials)


def summarise(res: TrialResults, truth: np.ndarray, target: float,
              acceptable_interval: tuple[float, float] | None = None) -> OperatingCharacteristics:
    """Operating characteristics of the end states under this truth and target."""
    truth = np.asarray(truth, dtype=float)
    K = res.n_doses
    w = res.weights
    interval = acceptable_interval or (target - 0.05, target + 0.05)
    mtd = true_mtd(truth, target)

    onehot = np.zeros((w.size, K + 1))
    onehot[np.arange(w.size), np.where(res.selected < 0, K, res.selected)] = 1.0
    sel, sel_se = _mean_se(onehot, w, res.exact, res.trials)
    patients, patients_se = _mean_se(res.n.astype(float), w, res.exact, res.trials)
    dlts, dlts_se = _mean_se(res.x.astype(float), w, res.exact, res.trials)
    size = res.n.sum(axis=1)
    n_mean, n_se = _mean_se(size.astype(float), w, res.exact, res.trials)
    n_sd = float(np.sqrt(max(np.dot(w, (size - n_mean) ** 2), 0.0)))
    dist_w = np.bincount(size, weights=w)
    distribution = {int(k): float(v) for k, v in enumerate(dist_w) if v > 0}

    ok = acceptable_doses(truth, interval)
    over = truth > target + OVERDOSE_MARGIN + _TIE
    correct = onehot[:, K] if mtd is None else onehot[:, mtd]
    pcs, pcs_se = _mean_se(correct, w, res.exact, res.trials)
    acc, acc_se = _mean_se(onehot[:, :K][:, ok].sum(axis=1), w, res.exact, res.trials)
    ods, ods_se = _mean_se(onehot[:, :K][:, over].sum(axis=1), w, res.exact, res.trials)

    # Patients above the true MTD: at doses more toxic than it (every dose when none is acceptable).
    above = np.ones(K, dtype=bool) if mtd is None else truth > truth[mtd] + _TIE
    n_above = res.n[:, above].sum(axis=1).astype(float)
    odp = float(np.dot(w, n_above) / n_mean) if n_mean > 0 else 0.0
    if res.exact or n_mean == 0:
        odp_se = 0.0
    else:  # ratio estimator: delta method
        resid = n_above - odp * size
        odp_se = float(np.sqrt(np.dot(w, resid ** 2) * res.trials / max(res.trials - 1, 1) / res.trials) / n_mean)

    stderr = {
        "selection": sel_se[:K], "no_selection": float(sel_se[K]),
        "patients": patients_se, "dlts": dlts_se,
        "sample_size": float(n_se), "pcs": float(pcs_se), "acceptable": float(acc_se),
        "overdose_selection": float(ods_se), "overdose_patients": odp_se,
    }
    return OperatingCharacteristics(
        method="exact" if res.exact else "monte-carlo", trials=res.trials, true_mtd=mtd,
        selection=sel[:K], no_selection=float(sel[K]), patients=patients, dlts=dlts,
        sample_size=float(n_mean), sample_size_sd=n_sd, sample_size_distribution=distribution,
        pcs=float(pcs), acceptable=float(acc), overdose_selection=float(ods), overdose_patients=odp,
        stderr=stderr,
    )
