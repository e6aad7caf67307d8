"""One simulated two-arm trial, patient by patient in order of arrival (the app's teaching view)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .engine import _dlt_probability, patient_draws
from .process import TwoArmProcess


@dataclass(frozen=True)
class TwoArmTrace:
    """Who came when: each patient's arm (0 = A, 1 = B), dose (0-based) and DLT, and each arm's selection."""

    arm: tuple[int, ...]
    dose: tuple[int, ...]
    dlt: tuple[bool, ...]
    cohort_end: tuple[bool, ...]  # this patient completed a cohort of their arm
    selected: tuple[int, int]     # -1: no dose selected


def trace_two_arm_trial(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray],
                        rng: np.random.Generator) -> TwoArmTrace:
    """Run one trial with the same rules and draws as `simulate_two_arms`, recording every patient."""
    draws = patient_draws(rng, 1, process.max_total)[0]
    Z = process.initial(1)
    arms, doses, dlts, ends = [], [], [], []
    for i in range(process.max_total):  # one trial: at most max_total patients
        if process.done(Z)[0]:
            break
        arm = process.assign(Z, draws[1, i:i + 1] < process.ad.eligible_b, draws[2, i:i + 1] < 0.5)
        dose = process.dose_of(Z, arm)
        dlt = draws[0, i:i + 1] < _dlt_probability(process, truths, arm, dose)
        Z = process.treat(Z, arm, dlt)
        arms.append(int(arm[0]))
        doses.append(int(dose[0]))
        dlts.append(bool(dlt[0]))
        ends.append(bool(Z[0, process.arm[int(arm[0])].pn] == 0))
    Z = process.finish(Z)
    return TwoArmTrace(tuple(arms), tuple(doses), tuple(dlts), tuple(ends),
                       (int(Z[0, process.arm[0].sel]), int(Z[0, process.arm[1].sel])))
