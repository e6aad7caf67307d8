"""Several designs on the same simulated patients: each design's OCs and paired differences with their SEs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .designs import find_design
from .designs.base import json_value
from .engine import ExactTooLarge, TrialResults, enumerate_exact, simulate, tolerances
from .errors import Problem, ProtocolError
from .oc import OVERDOSE_MARGIN, OperatingCharacteristics, acceptable_doses, summarise, true_mtd
from .protocol import DesignSpec, Protocol

#: Trial-level figures whose paired differences are reported (with "selection[k]" for each dose k, 1-based).
DIFFERENCE_KEYS = ("pcs", "acceptable", "overdose_selection", "no_selection", "sample_size", "total_dlts")


@dataclass(frozen=True)
class Comparison:
    """OCs of each design, and each design's paired difference from the first (with standard errors)."""

    designs: list[DesignSpec]
    ocs: list[OperatingCharacteristics]
    differences: list[dict[str, tuple[float, float]]]  # per other design: metric -> (difference, SE)
    method: str
    trials: int | None
    labels: list[str] = field(default_factory=list)  # short names, unique: "3+3", "crm (max_n = 18)"
    protocol: Protocol | None = None
    note: str | None = None  # e.g. why Monte Carlo was used

    def to_dict(self) -> dict[str, Any]:
        """As JSON: {"method", "trials", "designs": [{"design", "label", ...OCs}], "differences": [...]} + context."""
        labels = self.labels or [d.method for d in self.designs]
        out: dict[str, Any] = {
            "method": self.method, "trials": self.trials,
            "designs": [{"design": d.to_json(), "label": lab, **oc.to_dict()}
                        for d, lab, oc in zip(self.designs, labels, self.ocs)],
            "differences": [{"design": d.to_json(), "label": lab, "versus": self.designs[0].to_json(),
                             **{k: {"difference": v, "stderr": s} for k, (v, s) in diff.items()}}
                            for d, lab, diff in zip(self.designs[1:], labels[1:], self.differences)],
        }
        p = self.protocol
        if p is not None:
            out.update({"title": p.title, "target": p.target, "doses": [d.label for d in p.doses],
                        "truth": list(p.truth), "start_dose": p.start_dose,
                        "seed": p.seed if self.method == "monte-carlo" else None,
                        "warnings": list(p.warnings) + ([self.note] if self.note else [])})
        return out


def design_labels(designs: list[DesignSpec], target: float, n_doses: int) -> list[str]:
    """Short unique names: the method, with the options that differ from its defaults ("crm (max_n = 18)")."""
    out = []
    for d in designs:
        cls = find_design(d.method)
        defaults = cls.resolve_options({}, target, n_doses)[0] if cls is not None else {}
        changed = [f"{k} = {json_value(v)}" for k, v in d.options.items() if defaults.get(k, object()) != v]
        out.append(d.method + (f" ({', '.join(changed)})" if changed else ""))
    return [f"{lab} #{i + 1}" if out.count(lab) > 1 else lab for i, lab in enumerate(out)]


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
        "total_dlts": res.x.sum(axis=1).astype(float),
        **{f"selection[{k + 1}]": (sel == k).astype(float) for k in range(K)},
    }


def compare_designs(protocol: Protocol, designs: list[DesignSpec], method: str = "auto") -> Comparison:
    """Run the protocol's ladder and truth through each design on common patients (paired comparison).

    Exact when every design can be enumerated (differences then have no error); otherwise Monte Carlo
    with the same latent tolerances for every design, so differences have small standard errors.
    """
    truth = np.asarray(protocol.truth)
    built = [protocol.build_design(d) for d in designs]
    intervals = [b.acceptable_interval() for b in built]
    labels = design_labels(designs, protocol.target, protocol.n_doses)
    note = None
    if method in ("auto", "exact"):
        try:
            ocs = [summarise(enumerate_exact(b, truth), truth, protocol.target, i) for b, i in zip(built, intervals)]
            diffs = [_exact_differences(ocs[0], oc) for oc in ocs[1:]]
            return Comparison(designs, ocs, diffs, "exact", None, labels, protocol)
        except ExactTooLarge as e:
            if method == "exact":
                raise
            note = f"Monte Carlo used: {e}"
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
    return Comparison(designs, ocs, diffs, "monte-carlo", T, labels, protocol, note)


def compare_protocol(protocol: Protocol, others: list[DesignSpec] | None = None, method: str | None = None,
                     trials: int | None = None, seed: int | None = None) -> Comparison:
    """The protocol's design against `others` (default: its `compare` list), as `phase1-explorer compare` runs it.

    method "exact", "monte-carlo" or "auto" (default: the protocol's); trials and seed override the file's.
    Raises ProtocolError for a two-arm protocol, nothing to compare, or exact results asked where not feasible.
    """
    if protocol.two_arm:
        raise ProtocolError(Problem("arms", "design comparison works on one-arm protocols; this one has two arms. "
                                            "Compare each arm's designs in a one-arm protocol of its own."))
    others = list(protocol.compare if others is None else others)
    if not others:
        raise ProtocolError(Problem("compare", 'nothing to compare the design with; give --design boin (or a '
                                               'design object), or a "compare" list in the protocol.'))
    if trials is not None or seed is not None:
        protocol = protocol.with_changes(**({"trials": trials} if trials is not None else {}),
                                         **({"seed": seed} if seed is not None else {}))
    method = method or protocol.method
    try:
        return compare_designs(protocol, [protocol.design, *others], method)
    except ExactTooLarge as e:
        raise ProtocolError(Problem("method", f"exact results are not available: {e}. "
                                              f"Use --monte-carlo (or \"method\": \"monte-carlo\").")) from None


def _exact_differences(a: OperatingCharacteristics, b: OperatingCharacteristics) -> dict[str, tuple[float, float]]:
    out = {k: (float(getattr(b, k) - getattr(a, k)), 0.0)
           for k in ("pcs", "acceptable", "overdose_selection", "no_selection", "sample_size")}
    out["total_dlts"] = (float(b.dlts.sum() - a.dlts.sum()), 0.0)
    out.update({f"selection[{k + 1}]": (float(b.selection[k] - a.selection[k]), 0.0)
                for k in range(a.selection.size)})
    return out
