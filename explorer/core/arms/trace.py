"""One simulated two-arm trial, patient by patient in order of arrival (the app's teaching view)."""

from __future__ import annotations

import numpy as np

from ..engine.trace import TrialTrace
from .engine import dlt_probability
from .process import TwoArmProcess


def trace_two_arm_trial(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray],
                        draws: np.ndarray) -> TrialTrace:
    """Run one trial with the same rules as `simulate_two_arms` on one row of draws (fields × steps), recording
    every patient."""
    Z = process.initial(1)
    arms, doses, dlts, ends = [], [], [], []
    for i in range(process.max_total):  # one trial: at most max_total patients
        if process.done(Z)[0]:
            break
        arm = process.assign(Z, draws[1, i:i + 1] < process.ad.eligible_b, draws[2, i:i + 1] < 0.5)
        dose = process.dose_of(Z, arm)
        dlt = draws[0, i:i + 1] < dlt_probability(process, truths, arm, dose)
        Z = process.treat(Z, arm, dlt)
        arms.append(int(arm[0]))
        doses.append(int(dose[0]))
        dlts.append(bool(dlt[0]))
        ends.append(bool(Z[0, process.arm[int(arm[0])].pn] == 0))
    Z = process.finish(Z)
    return TrialTrace(tuple(arms), tuple(doses), tuple(dlts), tuple(ends),
                       (int(Z[0, process.arm[0].sel]), int(Z[0, process.arm[1].sel])))
