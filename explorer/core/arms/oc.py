"""Per-arm and joint operating characteristics of a two-arm trial."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine.exact import MAX_STATES, enumerate_exact
from ..engine.results import TrialResults
from ..oc import OperatingCharacteristics, summarise, true_mtd
from .engine import TwoArmResults, enumerate_two_arms
from .process import TwoArmProcess


@dataclass(frozen=True)
class JointOC:
    """What the two arms do together."""

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


def arm_results(process: TwoArmProcess, res: TwoArmResults, j: int) -> TrialResults:
    """One arm's end states, in the single-arm form every OC is computed from."""
    L = process.arm[j]
    return TrialResults(res.weights, res.Z[:, L.sel], res.Z[:, L.n], res.Z[:, L.x], res.exact, res.trials,
                        process.designs[j].max_n)


def _mean_se(v: np.ndarray, w: np.ndarray, res: TwoArmResults) -> tuple[float, float]:
    m = float(np.dot(w, v))
    if res.exact:
        return m, 0.0
    T = res.trials or 1
    return m, float(np.sqrt(np.dot(w, (v - m) ** 2) * T / max(T - 1, 1) / T))


def independent_two_arms(per_arm: list[TrialResults], truths: tuple[np.ndarray, np.ndarray], target: float,
                         acceptable: list[tuple[float, float]]) -> tuple[list[OperatingCharacteristics], JointOC]:
    """Exact OCs of two arms that share nothing (independent, no overall cap): the joint law is the product."""
    ocs = [summarise(r, t, target, a) for r, t, a in zip(per_arm, truths, acceptable)]
    dists = [np.bincount(r.n.sum(axis=1), weights=r.weights) for r in per_arm]
    dist = np.convolve(dists[0], dists[1])
    sizes = np.array([oc.sample_size for oc in ocs])
    n_mean = float(sizes.sum())
    return ocs, JointOC(
        both_correct=ocs[0].pcs * ocs[1].pcs, b_never_opens=float(dists[1][0]), cap_reached=0.0,
        sample_size=n_mean, sample_size_sd=float(np.sqrt(sum(oc.sample_size_sd ** 2 for oc in ocs))),
        sample_size_distribution={int(k): float(v) for k, v in enumerate(dist) if v > 0},
        dlts=float(sum(oc.dlts.sum() for oc in ocs)), patients_per_arm=sizes,
        fraction_b=float(sizes[1] / n_mean) if n_mean > 0 else 0.0,
        stderr={"both_correct": 0.0, "b_never_opens": 0.0, "cap_reached": 0.0, "sample_size": 0.0, "dlts": 0.0},
    )


def summarise_two_arms(process: TwoArmProcess, res: TwoArmResults, truths: tuple[np.ndarray, np.ndarray],
                       target: float) -> tuple[list[OperatingCharacteristics], JointOC]:
    """Each arm's OCs, and the joint ones."""
    per_arm, correct, sizes, dlts = [], [], [], []
    for j, d in enumerate(process.designs):
        r = arm_results(process, res, j)
        per_arm.append(summarise(r, truths[j], target, d.acceptable_interval()))
        mtd = true_mtd(truths[j], target)
        correct.append(r.selected == (-1 if mtd is None else mtd))
        sizes.append(r.n.sum(axis=1))
        dlts.append(r.x.sum(axis=1))
    w = res.weights
    both, both_se = _mean_se((correct[0] & correct[1]).astype(float), w, res)
    never, never_se = _mean_se((sizes[1] == 0).astype(float), w, res)
    total = sizes[0] + sizes[1]
    n_mean, n_se = _mean_se(total.astype(float), w, res)
    cap, cap_se = _mean_se((total >= process.max_total).astype(float), w, res)
    d_mean, d_se = _mean_se((dlts[0] + dlts[1]).astype(float), w, res)
    dist = np.bincount(total, weights=w)
    per = np.array([np.dot(w, s) for s in sizes])
    return per_arm, JointOC(
        both_correct=both, b_never_opens=never, cap_reached=cap, sample_size=n_mean,
        sample_size_sd=float(np.sqrt(max(np.dot(w, (total - n_mean) ** 2), 0.0))),
        sample_size_distribution={int(k): float(v) for k, v in enumerate(dist) if v > 0},
        dlts=d_mean, patients_per_arm=per, fraction_b=float(per[1] / n_mean) if n_mean > 0 else 0.0,
        stderr={"both_correct": both_se, "b_never_opens": never_se, "cap_reached": cap_se, "sample_size": n_se,
                "dlts": d_se},
    )


def exact_two_arms(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray], target: float,
                   max_states: int = MAX_STATES) -> tuple[list[OperatingCharacteristics], JointOC]:
    """Exact per-arm and joint OCs (independent arms with no cap: the product of two trials), or ExactTooLarge
    when more than `max_states` states would be enumerated."""
    ad = process.ad
    if ad.mode == "independent" and ad.max_total is None and ad.eligible_b > 0:
        per_arm = [enumerate_exact(d, t, max_states) for d, t in zip(process.designs, truths)]
        return independent_two_arms(per_arm, truths, target, [d.acceptable_interval() for d in process.designs])
    return summarise_two_arms(process, enumerate_two_arms(process, truths, max_states), truths, target)
