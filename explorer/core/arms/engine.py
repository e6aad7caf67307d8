"""Drivers of the two-arm process: Monte Carlo over a batch of trials, and exact enumeration of states."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.exact import MAX_STATES, ExactTooLarge, not_enumerable
from ..errors import DesignError
from .process import TwoArmProcess


@dataclass(frozen=True)
class TwoArmResults:
    """End states of two-arm trials (rows of the process's state matrix), weighted."""

    weights: np.ndarray
    Z: np.ndarray
    exact: bool
    trials: int | None


def _dlt_probability(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray], arm: np.ndarray,
                     dose: np.ndarray) -> np.ndarray:
    if np.any(dose < 0):
        raise DesignError("a patient was assigned to an arm with no open cohort")
    return np.where(arm == 0, truths[0][np.minimum(dose, truths[0].size - 1)],
                    truths[1][np.minimum(dose, truths[1].size - 1)])


def patient_draws(rng: np.random.Generator, trials: int, steps: int) -> np.ndarray:
    """Uniforms (trials, 3, steps): tolerance, Arm B eligibility and assignment coin of the i-th patient enrolled.

    One array, trial by trial, so draws made in chunks of trials equal one big draw (the app refines in chunks).
    """
    return rng.random((trials, 3, steps))


def simulate_two_arms(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray], trials: int,
                      rng: np.random.Generator, draws: np.ndarray | None = None) -> TwoArmResults:
    """Monte Carlo: each enrolled patient has a latent tolerance, an eligibility draw and a coin.

    `draws` (from `patient_draws`, possibly wider) lets several designs run on the same simulated patients.
    """
    steps = process.max_total
    if draws is None:
        draws = patient_draws(rng, trials, steps)
    u, v, w = draws[:, 0, :steps], draws[:, 1, :steps], draws[:, 2, :steps]
    q = process.ad.eligible_b
    Z = process.initial(trials)
    for i in range(steps + 1):
        idx = np.flatnonzero(~process.done(Z))
        if idx.size == 0:
            break
        if i == steps:
            raise DesignError("two-arm trial did not end at the overall cap")
        sub = Z[idx]
        arm = process.assign(sub, v[idx, i] < q, w[idx, i] < 0.5)
        t = _dlt_probability(process, truths, arm, process.dose_of(sub, arm))
        Z[idx] = process.treat(sub, arm, u[idx, i] < t)
    return TwoArmResults(np.full(trials, 1.0 / trials), process.finish(Z), exact=False, trials=trials)


def _merge(Z: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    key = np.ascontiguousarray(Z.astype(np.int32))
    rows = key.view(np.dtype((np.void, key.dtype.itemsize * key.shape[1]))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    return Z[first], np.bincount(inverse.ravel(), weights=p)


def enumerate_two_arms(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray],
                       max_states: int = MAX_STATES) -> TwoArmResults:
    """Exact: branch every patient on eligibility, assignment coin and DLT; merge identical states."""
    for d in process.designs:
        if not d.exact:
            raise ExactTooLarge(not_enumerable(d))
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
        t = _dlt_probability(process, truths, arm, process.dose_of(sub, arm))
        kids, kp = [], []
        for dlt, pd in ((True, t), (False, 1.0 - t)):
            keep = pd > 0
            if keep.any():
                kids.append(process.treat(sub[keep], arm[keep], np.full(keep.sum(), dlt)))
                kp.append(pc[keep] * pd[keep])
        Z, p = _merge(np.concatenate(kids), np.concatenate(kp))
        if p.size > max_states:
            methods = "/".join(dict.fromkeys(d.method for d in process.designs))
            raise ExactTooLarge(f"{methods} in two arms: more than {max_states:,} states to enumerate")
    else:
        raise DesignError("two-arm trial did not end at the overall cap")
    return TwoArmResults(np.concatenate(ends_p), process.finish(np.concatenate(ends_Z)), exact=True, trials=None)
