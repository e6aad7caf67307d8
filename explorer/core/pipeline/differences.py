"""Paired differences between designs run on common patients: each design's per-trial figures minus the first's.

Keys: for one arm "pcs", "acceptable", "overdose_selection", "no_selection", "sample_size", "total_dlts" and
"selection[k]" (k 1-based); with two arms each of these per arm as "arms[j].pcs" (j 0-based), and the joint
"joint.both_correct", "joint.sample_size", "joint.total_dlts". With a clock, also each arm's mean time figures
TIME_KEYS ("duration", "time_to_mtd", ...; "arms[j].duration") and with two arms the whole trial's
("joint.duration", ...).
"""

from __future__ import annotations

import numpy as np

from ..engine.results import Outcomes
from ..oc import OVERDOSE_MARGIN, TrialOC, acceptable_doses, correct_selection

Differences = dict[str, tuple[float, float]]  # metric -> (difference, standard error)
#: The time figures compared between designs (means over trials; clock.results.TimeFigures names them).
TIME_KEYS = ("duration", "time_to_mtd", "waited", "lost", "suspended")


def _prefix(j: int, arms: int) -> str:
    return "" if arms == 1 else f"arms[{j}]."


def per_trial(out: Outcomes, truths: list[np.ndarray], target: float,
              intervals: list[tuple[float, float]]) -> dict[str, np.ndarray]:
    """Each paired metric, one value per simulated trial."""
    rows: dict[str, np.ndarray] = {}
    for j, (res, truth, interval) in enumerate(zip(out.arms, truths, intervals)):
        p = _prefix(j, len(out.arms))
        sel = res.selected
        chosen = np.where(sel < 0, 0, sel)
        ok = acceptable_doses(truth, interval)
        over = truth > target + OVERDOSE_MARGIN + 1e-12
        rows.update({
            f"{p}pcs": correct_selection(res, truth, target).astype(float),
            f"{p}acceptable": ((sel >= 0) & ok[chosen]).astype(float),
            f"{p}overdose_selection": ((sel >= 0) & over[chosen]).astype(float),
            f"{p}no_selection": (sel < 0).astype(float),
            f"{p}sample_size": res.n.sum(axis=1).astype(float),
            f"{p}total_dlts": res.x.sum(axis=1).astype(float),
            **{f"{p}selection[{k + 1}]": (sel == k).astype(float) for k in range(truth.size)},
        })
    if len(out.arms) == 2:
        rows["joint.both_correct"] = rows["arms[0].pcs"] * rows["arms[1].pcs"]
        rows["joint.sample_size"] = rows["arms[0].sample_size"] + rows["arms[1].sample_size"]
        rows["joint.total_dlts"] = rows["arms[0].total_dlts"] + rows["arms[1].total_dlts"]
    if out.time is not None:
        for j, figs in enumerate(out.time.arms):
            rows.update({f"{_prefix(j, len(out.arms))}{k}": figs.figure(k) for k in TIME_KEYS})
        if out.time.trial is not None:
            rows.update({f"joint.{k}": out.time.trial.figure(k) for k in TIME_KEYS})
    return rows


def summary_values(oc: TrialOC) -> Differences:
    """The same metrics from a design's OCs: (value, standard error)."""
    out: Differences = {}
    for j, a in enumerate(oc.arms):
        p = _prefix(j, len(oc.arms))
        se = a.stderr
        sel_se = se.get("selection", [0.0] * a.selection.size)
        out.update({
            f"{p}pcs": (a.pcs, se.get("pcs", 0.0)), f"{p}acceptable": (a.acceptable, se.get("acceptable", 0.0)),
            f"{p}overdose_selection": (a.overdose_selection, se.get("overdose_selection", 0.0)),
            f"{p}no_selection": (a.no_selection, se.get("no_selection", 0.0)),
            f"{p}sample_size": (a.sample_size, se.get("sample_size", 0.0)),
            f"{p}total_dlts": (float(a.dlts.sum()), se.get("total_dlts", 0.0)),
            **{f"{p}selection[{k + 1}]": (float(a.selection[k]), float(sel_se[k])) for k in range(a.selection.size)},
        })
    if oc.joint is not None:
        j = oc.joint
        out["joint.both_correct"] = (j.both_correct, j.stderr.get("both_correct", 0.0))
        out["joint.sample_size"] = (j.sample_size, j.stderr.get("sample_size", 0.0))
        out["joint.total_dlts"] = (j.dlts, j.stderr.get("dlts", 0.0))
    if oc.time is not None:
        parts = [(_prefix(j, len(oc.arms)), t) for j, t in enumerate(oc.time.arms)]
        parts += [("joint.", oc.time.trial)] if oc.time.trial is not None else []
        for p, t in parts:
            out.update({f"{p}{k}": (t.figures[k].mean, t.figures[k].stderr["mean"]) for k in TIME_KEYS})
    return out


def paired(base: dict[str, np.ndarray], other: dict[str, np.ndarray]) -> Differences:
    """Mean of the per-trial differences and its standard error (the designs saw the same patients)."""
    T = next(iter(base.values())).size
    return {k: (float(np.mean(other[k] - base[k])), float(np.std(other[k] - base[k], ddof=1) / np.sqrt(T)))
            for k in base}


def unpaired(base: TrialOC, other: TrialOC) -> Differences:
    """Differences of the OCs; errors add (exact figures have none, so exact − exact is exact)."""
    a, b = summary_values(base), summary_values(other)
    return {k: (b[k][0] - a[k][0], float(np.hypot(a[k][1], b[k][1]))) for k in a}
