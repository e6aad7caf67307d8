"""The command line's JSON objects (docs/contract.md): a protocol's result as `simulate` writes it, and a comparison as
`compare` writes it; both from one pipeline snapshot."""

from __future__ import annotations

from typing import Any

from .designs import find_design
from .designs.base import json_value
from .oc import TrialOC
from .pipeline import Snapshot
from .protocol import Candidate, DesignSpec, Protocol

#: What the optimal benchmark is, wherever it is reported.
BENCHMARK_NOTE = ("The non-parametric optimal benchmark (O'Quigley, Paoletti & Maccario 2002) selects the dose whose "
                  "DLT rate, observed on every patient at every dose (complete information), is closest to the target: "
                  "a reference for how much room a design leaves, not a strict bound (in a given scenario a design "
                  "can beat it).")


def design_labels(designs: list[DesignSpec], target: float, n_doses: int) -> list[str]:
    """Short unique names: the method, with the options that differ from its defaults ("crm (max_n = 18)")."""
    out = []
    for d in designs:
        cls = find_design(d.method)
        defaults = cls.resolve_options({}, target, n_doses)[0] if cls is not None else {}
        changed = [f"{k} = {json_value(v)}" for k, v in d.options.items() if defaults.get(k, object()) != v]
        out.append(d.method + (f" ({', '.join(changed)})" if changed else ""))
    return [f"{lab} #{i + 1}" if out.count(lab) > 1 else lab for i, lab in enumerate(out)]


def candidate_labels(protocol: Protocol, candidates: tuple[Candidate, ...] | list[Candidate]) -> list[str]:
    """A label per candidate: its (first arm's) design as `design_labels` names it."""
    return design_labels([c.designs[0] for c in candidates], protocol.target, protocol.arms[0].n_doses)


def warnings_of(protocol: Protocol, snap: Snapshot) -> list[str]:
    """The protocol's warnings and the notes on how the result was obtained, as text."""
    return [str(w) for w in protocol.warnings] + [str(n) for n in snap.notes]


def _arms(protocol: Protocol, oc: TrialOC, candidate: Candidate) -> list[dict[str, Any]]:
    out = []
    for j, (arm, aoc, design) in enumerate(zip(protocol.arms, oc.arms, candidate.designs)):
        d = aoc.to_dict()
        if arm.name is not None:
            d = {"name": arm.name, **d}
        if oc.time is not None:
            d.update(oc.time.arms[j].to_dict())
        d.update({"doses": arm.labels, "truth": list(arm.truth), "start_dose": arm.start_dose,
                  "design": design.to_json()})
        out.append(d)
    return out


def trial_dict(protocol: Protocol, oc: TrialOC, candidate: Candidate) -> dict[str, Any]:
    """One candidate's OCs: the one-arm object, or {"arms": [...], "joint": {...}} for two arms. With a clock each
    arm's object carries its time figures ("duration": {"mean", "sd", "median", "p90", "distribution", "stderr"},
    "time_to_mtd", ...; see clock.oc.TimeOC), and "joint" the whole trial's."""
    arms = _arms(protocol, oc, candidate)
    if oc.joint is None:
        return arms[0]
    joint = oc.joint.to_dict()
    if oc.time is not None and oc.time.trial is not None:
        joint.update(oc.time.trial.to_dict())
    return {"method": oc.method, "trials": oc.trials, "arms": arms, "joint": joint}


def _context(protocol: Protocol, snap: Snapshot) -> dict[str, Any]:
    out: dict[str, Any] = {"title": protocol.title, "target": protocol.target}
    if protocol.arm_design is not None:
        out["arm_design"] = protocol.arm_design.to_json()
    if protocol.time is not None:
        out["time"] = protocol.time.to_json()
    out.update({"seed": protocol.seed if snap.method == "monte-carlo" else None,
                "warnings": warnings_of(protocol, snap)})
    return out


def simulate_dict(protocol: Protocol, snap: Snapshot) -> dict[str, Any]:
    """`simulate --format json`: the contract's keys, then context."""
    assert snap.ocs is not None
    return {**trial_dict(protocol, snap.ocs[0], protocol.candidates()[0]), **_context(protocol, snap)}


def compare_dict(protocol: Protocol, candidates: tuple[Candidate, ...], snap: Snapshot) -> dict[str, Any]:
    """`compare --format json`: each design's OCs and its paired differences from the first, then context."""
    assert snap.ocs is not None
    labels = candidate_labels(protocol, candidates)
    designs = []
    for c, lab, oc in zip(candidates, labels, snap.ocs):
        entry = trial_dict(protocol, oc, c)
        entry = {"design": c.designs[0].to_json(), "label": lab, **entry}
        for k in ("doses", "truth", "start_dose"):  # given once, below
            entry.pop(k, None)
        designs.append(entry)
    ref = candidates[0].designs[0].to_json()
    differences = [{"design": c.designs[0].to_json(), "label": lab, "versus": ref,
                    **{k: {"difference": v, "stderr": s} for k, (v, s) in diff.items()}}
                   for c, lab, diff in zip(candidates[1:], labels[1:], snap.differences)]
    out: dict[str, Any] = {"method": snap.method, "trials": snap.ocs[0].trials if snap.method == "monte-carlo" else
                           None, "designs": designs, "differences": differences}
    if snap.benchmark is not None:
        out["benchmark"] = {"label": "optimal benchmark", **snap.benchmark.to_dict(), "note": BENCHMARK_NOTE}
        for entry, (ratio, se) in zip(designs, snap.versus_benchmark):
            entry["pcs_vs_benchmark"] = {"value": ratio, "stderr": se}
    if protocol.arm_design is None:
        arm = protocol.arms[0]
        out.update({"doses": arm.labels, "truth": list(arm.truth), "start_dose": arm.start_dose})
    else:
        out["arms"] = [{"name": a.name, "doses": a.labels, "truth": list(a.truth), "start_dose": a.start_dose}
                       for a in protocol.arms]
    return {**out, **_context(protocol, snap)}
