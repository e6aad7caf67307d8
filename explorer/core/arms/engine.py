"""Drivers of the two-arm process: Monte Carlo over a batch of trials, and exact enumeration of states."""

from __future__ import annotations

import numpy as np

from ..engine.exact import StepGuard
from ..engine.results import Outcomes, TrialResults
from ..engine.states import merge_rows
from ..errors import DesignError
from .process import TwoArmProcess

#: Uniforms per enrolled patient: latent tolerance, Arm B eligibility, assignment coin.
FIELDS = 3


def dlt_probability(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray], arm: np.ndarray,
                    dose: np.ndarray) -> np.ndarray:
    """The true DLT probability of each patient's arm and dose."""
    if np.any(dose < 0):
        raise DesignError("a patient was assigned to an arm with no open cohort")
    return np.where(arm == 0, truths[0][np.minimum(dose, truths[0].size - 1)],
                    truths[1][np.minimum(dose, truths[1].size - 1)])


def enrolment_limit(process: TwoArmProcess) -> int:
    """The most patients a two-arm trial can enrol: the overall cap, or both arms' own caps together if fewer."""
    return min(process.max_total, sum(d.max_n for d in process.designs))


def outcomes(process: TwoArmProcess, Z: np.ndarray, weights: np.ndarray, trials: int | None) -> Outcomes:
    """Each arm's end states from final state rows (selections as the arm design finishes them)."""
    Z = process.finish(Z)
    return Outcomes(tuple(TrialResults(weights, Z[:, L.sel], Z[:, L.n], Z[:, L.x], trials is None, trials, d.max_n)
                          for L, d in zip(process.arm, process.designs)))


def simulate_two_arms(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray],
                      draws: np.ndarray) -> Outcomes:
    """Monte Carlo, one trial per row of `draws` (trials × ≥ 3 × ≥ max_total uniforms: each enrolled patient's
    latent tolerance, eligibility draw and coin), so several designs can run on the same simulated patients."""
    Z = run_two_arms(process, truths, draws)
    return outcomes(process, Z, np.full(Z.shape[0], 1.0 / Z.shape[0]), Z.shape[0])


def run_two_arms(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray], draws: np.ndarray) -> np.ndarray:
    """The final state rows of one trial per row of `draws` (see simulate_two_arms)."""
    steps = enrolment_limit(process)
    trials = draws.shape[0]
    u, v, w = draws[:, 0, :steps], draws[:, 1, :steps], draws[:, 2, :steps]
    q = process.ad.eligible_b
    Z = process.initial(trials)
    live = np.arange(trials)  # Z holds the live trials only (their rows in draws), compacted as trials end
    end = np.empty_like(Z)
    for i in range(steps + 1):
        fin = process.done(Z)
        if fin.any():
            end[live[fin]] = Z[fin]
            keep = np.flatnonzero(~fin)
            Z, live = Z[keep], live[keep]
        if live.size == 0:
            break
        if i == steps:
            raise DesignError("two-arm trial did not end at the overall cap")
        arm = process.assign(Z, v[live, i] < q, w[live, i] < 0.5)
        t = dlt_probability(process, truths, arm, process.dose_of(Z, arm))
        Z = process.treat(Z, arm, u[live, i] < t)
    return end


def enumerate_two_arms(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray],
                       guard: StepGuard | None = None) -> Outcomes:
    """Exact: branch every patient on eligibility, assignment coin and DLT; merge identical states."""
    q = process.ad.eligible_b
    combos = [(True, q), (False, 1.0 - q)]
    if process.ad.assignment == "random":
        combos = [(e, pe * 0.5, c) for e, pe in combos for c in (True, False)]
    else:
        combos = [(e, pe, False) for e, pe in combos]
    combos = [c for c in combos if c[1] > 0]
    Z = process.initial(1)
    p = np.ones(1)
    ends_Z, ends_p = [], []
    for _ in range(process.max_total + 1):
        fin = process.done(Z)
        if fin.any():
            ends_Z.append(Z[fin])
            ends_p.append(p[fin])
            Z, p = Z[~fin], p[~fin]
        if p.size == 0:
            break
        S = p.size
        parent = np.tile(np.arange(S), len(combos))
        elig = np.repeat([c[0] for c in combos], S)
        coin = np.repeat([c[2] for c in combos], S)
        pc = p[parent] * np.repeat([c[1] for c in combos], S)
        arm = process.assign(Z[parent], elig, coin)
        key = parent * 2 + arm  # same parent and arm: the same next patient, whatever the branch
        uniq, inv = np.unique(key, return_inverse=True)
        parent, arm, pc = uniq // 2, uniq % 2, np.bincount(inv, weights=pc)
        sub = Z[parent]
        t = dlt_probability(process, truths, arm, process.dose_of(sub, arm))
        kids, kp = [], []
        for dlt, pd in ((True, t), (False, 1.0 - t)):
            keep = pd > 0
            if keep.any():
                kids.append(process.treat(sub[keep], arm[keep], np.full(keep.sum(), dlt)))
                kp.append(pc[keep] * pd[keep])
        Z = np.concatenate(kids)
        first, p = merge_rows(Z, np.concatenate(kp))
        Z = Z[first]
        if guard is not None:
            guard.check(p.size)
    else:
        raise DesignError("two-arm trial did not end at the overall cap")
    return outcomes(process, np.concatenate(ends_Z), np.concatenate(ends_p), None)
