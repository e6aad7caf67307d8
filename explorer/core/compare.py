"""Several designs on the same simulated patients: each design's OCs and paired differences with their SEs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .engine import ExactTooLarge, TrialResults, enumerate_exact, simulate, tolerances
from .oc import OVERDOSE_MARGIN, OperatingCharacteristics, acceptable_doses, summarise, true_mtd
from .protocol import DesignSpec, Protocol


@dataclass(frozen=True)
class Comparison:
    """OCs of each design, and each design's paired difference from the first (with standard errors)."""

    designs: list[DesignSpec]
    ocs: list[OperatingCharacteristics]
    differences: list[dict[str, tuple[float, float]]]  # per other design: metric -> (difference, SE)
    method: str
    trials: int | None

    def to_dict(self) -> dict[str, Any]:
        """As JSON: {"method", "trials", "designs": [{"design", ...OCs}], "differences": [...]}."""
        return {
            "method": self.method, "trials": self.trials,
            "designs": [{"design": d.to_json(), **oc.to_dict()} for d, oc in zip(self.designs, self.ocs)],
            "differences": [{"design": d.to_json(), "versus": self.designs[0].to_json(),
                             **{k: {"difference": v, "stderr": s} for k, (v, s) in diff.items()}}
                            for d, diff in zip(self.designs[1:], self.differences)],
        }


def _per_trial(res: TrialResults, truth: np.ndarray, target: float,
               interval: tuple[float, float]) -> dict[str, np.ndarray]:
    K = truth.size
    mtd = true_mtd(truth, target)
    sel = res.selected
    chosen = np.where(sel < 0, 0, sel)
    ok = acceptable_doses(truth, interval)
    over = truth > target + OVERDOSE_MARGIN + 1e-12
    return {
        "pcs": (sel == (-1 if mtd is None else mtd)).astype(float),
        "acceptable": ((sel >= 0) & ok[chosen]).astype(float),
        "overdose_selection": ((sel >= 0) & over[chosen]).astype(float),
        "no_selection": (sel < 0).astype(float),
        "sample_size": res.n.sum(axis=1).astype(float),
        "dlts": res.x.sum(axis=1).astype(float),
        **{f"selection[{k + 1}]": (sel == k).astype(float) for k in range(K)},
    }


def compare_designs(protocol: Protocol, designs: list[DesignSpec], method: str = "auto") -> Comparison:
    """Run the protocol's ladder and truth through each design on common patients (paired comparison).

    Exact when every design can be enumerated (differences then have no error); otherwise Monte Carlo
    with the same latent tolerances for every design, so differences have small standard errors.
    """
    truth = np.asarray(protocol.truth)
    built = [d.build(protocol.n_doses, protocol.target, protocol.start_dose) for d in designs]
    intervals = [b.acceptable_interval() for b in built]
    if method in ("auto", "exact"):
        try:
            ocs = [summarise(enumerate_exact(b, truth), truth, protocol.target, i) for b, i in zip(built, intervals)]
            diffs = [_exact_differences(ocs[0], oc) for oc in ocs[1:]]
            return Comparison(designs, ocs, diffs, "exact", None)
        except ExactTooLarge:
            if method == "exact":
                raise
    rng = np.random.default_rng(protocol.seed)
    u = tolerances(rng, protocol.trials, max(b.max_n for b in built))
    results = [simulate(b, truth, protocol.trials, rng, u=u[:, : b.max_n]) for b in built]
    ocs = [summarise(r, truth, protocol.target, i) for r, i in zip(results, intervals)]
    base = _per_trial(results[0], truth, protocol.target, intervals[0])
    diffs = []
    T = protocol.trials
    for r, i in zip(results[1:], intervals[1:]):
        other = _per_trial(r, truth, protocol.target, i)
        diffs.append({k: (float(np.mean(other[k] - base[k])),
                          float(np.std(other[k] - base[k], ddof=1) / np.sqrt(T))) for k in base})
    return Comparison(designs, ocs, diffs, "monte-carlo", T)


def _exact_differences(a: OperatingCharacteristics, b: OperatingCharacteristics) -> dict[str, tuple[float, float]]:
    out = {k: (float(getattr(b, k) - getattr(a, k)), 0.0)
           for k in ("pcs", "acceptable", "overdose_selection", "no_selection", "sample_size")}
    out["dlts"] = (float(b.dlts.sum() - a.dlts.sum()), 0.0)
    out.update({f"selection[{k + 1}]": (float(b.selection[k] - a.selection[k]), 0.0)
                for k in range(a.selection.size)})
    return out
