"""Operating characteristics (docs/contract.md) with their standard errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .clock.oc import TrialTimeOC
from .engine.results import Outcomes, TrialResults

#: A dose whose truth exceeds the target by more than this is an overdose; if every dose does, no dose is acceptable.
OVERDOSE_MARGIN = 0.10
_TIE = 1e-12


def closest_to_target(rates: np.ndarray, target: float) -> np.ndarray:
    """The true-MTD rule along the last axis of DLT rates (..., doses): the 0-based dose closest to the target
    (ties: the lower), or -1 where every rate exceeds target + OVERDOSE_MARGIN."""
    rates = np.asarray(rates, dtype=float)
    dist = np.abs(rates - target)
    best = np.argmax(dist <= dist.min(axis=-1, keepdims=True) + _TIE, axis=-1)  # the first of the closest
    return np.where(np.all(rates > target + OVERDOSE_MARGIN + _TIE, axis=-1), -1, best)


def true_mtd(truth: np.ndarray, target: float) -> int | None:
    """The 0-based dose whose truth is closest to the target (ties: the lower), or None if all are too toxic."""
    k = int(closest_to_target(truth, target))
    return None if k < 0 else k


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
        """The JSON object of the command-line contract (docs/contract.md), plus a few extra keys."""
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

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OperatingCharacteristics:
        """Back from `to_dict` (a cached result)."""
        se = {k: (np.asarray(v, dtype=float) if isinstance(v, list) else float(v)) for k, v in d["stderr"].items()}
        mtd = d["true_mtd"]
        return cls(method=d["method"], trials=d["trials"], true_mtd=None if mtd is None else mtd - 1,
                   selection=np.asarray(d["selection"]), no_selection=d["no_selection"],
                   patients=np.asarray(d["patients"]), dlts=np.asarray(d["dlts"]), sample_size=d["sample_size"],
                   sample_size_sd=d["sample_size_sd"],
                   sample_size_distribution={int(k): v for k, v in d["sample_size_distribution"].items()},
                   pcs=d["pcs"], acceptable=d["acceptable"], overdose_selection=d["overdose_selection"],
                   overdose_patients=d["overdose_patients"], stderr=se)


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
    _, total_dlts_se = _mean_se(res.x.sum(axis=1).astype(float), w, res.exact, res.trials)
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
        "overdose_selection": float(ods_se), "overdose_patients": odp_se, "total_dlts": float(total_dlts_se),
    }
    return OperatingCharacteristics(
        method="exact" if res.exact else "monte-carlo", trials=res.trials, true_mtd=mtd,
        selection=sel[:K], no_selection=float(sel[K]), patients=patients, dlts=dlts,
        sample_size=float(n_mean), sample_size_sd=n_sd, sample_size_distribution=distribution,
        pcs=float(pcs), acceptable=float(acc), overdose_selection=float(ods), overdose_patients=odp,
        stderr=stderr,
    )


@dataclass(frozen=True)
class JointOC:
    """What two arms do together."""

    both_correct: float         # P(the true MTD, or no selection where none is acceptable, in both arms)
    b_never_opens: float        # P(Arm B treats nobody)
    cap_reached: float          # P(the overall cap ended the trial)
    sample_size: float          # mean total patients
    sample_size_sd: float
    sample_size_distribution: dict[int, float]
    dlts: float                 # mean total DLTs
    patients_per_arm: np.ndarray
    fraction_b: float           # expected share of patients in Arm B (ratio of expectations)
    stderr: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """As the CLI's `joint` object."""
        return {
            "both_correct": self.both_correct, "b_never_opens": self.b_never_opens, "cap_reached": self.cap_reached,
            "sample_size": self.sample_size, "sample_size_sd": self.sample_size_sd,
            "sample_size_distribution": {str(k): v for k, v in self.sample_size_distribution.items()},
            "dlts": self.dlts, "patients_per_arm": [float(v) for v in self.patients_per_arm],
            "fraction_b": self.fraction_b, "stderr": self.stderr,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> JointOC:
        """Back from `to_dict` (a cached result)."""
        return cls(both_correct=d["both_correct"], b_never_opens=d["b_never_opens"], cap_reached=d["cap_reached"],
                   sample_size=d["sample_size"], sample_size_sd=d["sample_size_sd"],
                   sample_size_distribution={int(k): v for k, v in d["sample_size_distribution"].items()},
                   dlts=d["dlts"], patients_per_arm=np.asarray(d["patients_per_arm"]), fraction_b=d["fraction_b"],
                   stderr=dict(d["stderr"]))


@dataclass(frozen=True)
class TrialOC:
    """The OCs of one design (a candidate) under the scenario: each arm's, with two arms the joint ones, and with a
    clock the time OCs (each arm's, and the whole trial's)."""

    arms: tuple[OperatingCharacteristics, ...]
    joint: JointOC | None = None
    time: TrialTimeOC | None = None

    @property
    def method(self) -> str:
        """"exact" or "monte-carlo"."""
        return self.arms[0].method

    @property
    def trials(self) -> int | None:
        """Trials simulated (None when exact)."""
        return self.arms[0].trials

    def to_dict(self) -> dict[str, Any]:
        """{"arms": [...], "joint": {...}} (the cache's form; the CLI adds context per arm)."""
        out = {"arms": [a.to_dict() for a in self.arms],
               "joint": None if self.joint is None else self.joint.to_dict()}
        if self.time is not None:
            out["time"] = self.time.to_dict()
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrialOC:
        """Back from `to_dict`."""
        return cls(tuple(OperatingCharacteristics.from_dict(a) for a in d["arms"]),
                   None if d["joint"] is None else JointOC.from_dict(d["joint"]),
                   None if d.get("time") is None else TrialTimeOC.from_dict(d["time"]))


def correct_selection(res: TrialResults, truth: np.ndarray, target: float) -> np.ndarray:
    """Per row: the true MTD selected (or no selection where no dose is acceptable)."""
    mtd = true_mtd(truth, target)
    return res.selected == (-1 if mtd is None else mtd)


def _scalar_mean_se(v: np.ndarray, w: np.ndarray, exact: bool, trials: int | None) -> tuple[float, float]:
    m, se = _mean_se(v.astype(float), w, exact, trials)
    return float(m), float(se)


def _joint_independent(per_arm: tuple[TrialResults, ...], ocs: list[OperatingCharacteristics]) -> JointOC:
    """Exact joint OCs of two arms that share nothing (no overall cap): the joint law is the product."""
    dists = [np.bincount(r.n.sum(axis=1), weights=r.weights) for r in per_arm]
    dist = np.convolve(dists[0], dists[1])
    sizes = np.array([oc.sample_size for oc in ocs])
    n_mean = float(sizes.sum())
    return JointOC(
        both_correct=ocs[0].pcs * ocs[1].pcs, b_never_opens=float(dists[1][0]), cap_reached=0.0,
        sample_size=n_mean, sample_size_sd=float(np.sqrt(sum(oc.sample_size_sd ** 2 for oc in ocs))),
        sample_size_distribution={int(k): float(v) for k, v in enumerate(dist) if v > 0},
        dlts=float(sum(oc.dlts.sum() for oc in ocs)), patients_per_arm=sizes,
        fraction_b=float(sizes[1] / n_mean) if n_mean > 0 else 0.0,
        stderr={"both_correct": 0.0, "b_never_opens": 0.0, "cap_reached": 0.0, "sample_size": 0.0, "dlts": 0.0},
    )


def _joint(per_arm: tuple[TrialResults, ...], truths: list[np.ndarray], target: float, max_total: int) -> JointOC:
    w, exact, trials = per_arm[0].weights, per_arm[0].exact, per_arm[0].trials
    correct = [correct_selection(r, t, target) for r, t in zip(per_arm, truths)]
    sizes = [r.n.sum(axis=1) for r in per_arm]
    dlts = [r.x.sum(axis=1) for r in per_arm]
    both, both_se = _scalar_mean_se(correct[0] & correct[1], w, exact, trials)
    never, never_se = _scalar_mean_se(sizes[1] == 0, w, exact, trials)
    total = sizes[0] + sizes[1]
    n_mean, n_se = _scalar_mean_se(total, w, exact, trials)
    cap, cap_se = _scalar_mean_se(total >= max_total, w, exact, trials)
    d_mean, d_se = _scalar_mean_se(dlts[0] + dlts[1], w, exact, trials)
    dist = np.bincount(total, weights=w)
    per = np.array([np.dot(w, s) for s in sizes])
    return JointOC(
        both_correct=both, b_never_opens=never, cap_reached=cap, sample_size=n_mean,
        sample_size_sd=float(np.sqrt(max(np.dot(w, (total - n_mean) ** 2), 0.0))),
        sample_size_distribution={int(k): float(v) for k, v in enumerate(dist) if v > 0},
        dlts=d_mean, patients_per_arm=per, fraction_b=float(per[1] / n_mean) if n_mean > 0 else 0.0,
        stderr={"both_correct": both_se, "b_never_opens": never_se, "cap_reached": cap_se, "sample_size": n_se,
                "dlts": d_se},
    )


def summarise_trial(out: Outcomes, truths: list[np.ndarray], target: float,
                    intervals: list[tuple[float, float]], max_total: int | None = None) -> TrialOC:
    """Each arm's OCs and, with two arms, the joint ones (`max_total`: the overall cap, for P(cap reached))."""
    ocs = [summarise(r, t, target, i) for r, t, i in zip(out.arms, truths, intervals)]
    if len(out.arms) == 1:
        return TrialOC(tuple(ocs))
    if out.independent:
        return TrialOC(tuple(ocs), _joint_independent(out.arms, ocs))
    assert max_total is not None
    return TrialOC(tuple(ocs), _joint(out.arms, truths, target, max_total))
