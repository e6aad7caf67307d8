"""Building blocks of the clock tests: a PendingState with given counts at one dose, and hand-made draws."""

from __future__ import annotations

import numpy as np

from explorer.core.clock.draws import ONE_ARM_FIELDS
from explorer.core.designs.base import Design
from explorer.core.designs.pending import PATIENT_FIELDS, PendingState


def state_at_dose(design: Design, d: int, n: int, dlts: int, pending: int, stft: float = 0.0,
                  others: dict[int, tuple[int, int]] | None = None) -> PendingState:
    """One trial of the design whose current dose d has n patients: `dlts` with a DLT seen, `pending` followed for a
    total fraction `stft` of the window (shared equally), the rest complete without a DLT; `others` gives other
    doses' (patients, DLTs), all complete."""
    K = design.n_doses
    doses, dlt, complete, follow = [], [], [], []
    for k, (nk, xk) in sorted((others or {}).items()):
        doses += [k] * nk
        dlt += [True] * xk + [False] * (nk - xk)
        complete += [True] * nk
        follow += [0.5] * xk + [1.0] * (nk - xk)
    done = n - dlts - pending
    assert done >= 0 and (pending == 0 or stft < pending)
    doses += [d] * n
    dlt += [True] * dlts + [False] * (done + pending)
    complete += [True] * (dlts + done) + [False] * pending
    follow += [0.5] * dlts + [1.0] * done + [stft / pending if pending else 0.0] * pending
    dose = np.array([doses])
    nn = np.bincount(dose[0], minlength=K)[None, :]
    seen = np.array([dlt]) & np.array([complete])
    x = np.bincount(dose[0], weights=seen[0], minlength=K).astype(np.int64)[None, :]
    dn = np.bincount(dose[0], weights=(~np.array(dlt) & np.array(complete)), minlength=K).astype(np.int64)[None, :]
    return PendingState(design, nn, x, np.array([d]), design.initial_extra(1), done=dn, dose=dose, dlt=seen,
                        complete=np.array([complete]), follow=np.array([follow], dtype=float))


def stack(states: list[PendingState]) -> PendingState:
    """Several one-trial states as one batch (the same design)."""
    first = states[0]
    cat = {f: np.concatenate([getattr(s, f) for s in states]) for f in ("n", "x", "cur", "extra", "done",
                                                                       *PATIENT_FIELDS)}
    return PendingState(first.design, cat.pop("n"), cat.pop("x"), cat.pop("cur"), cat.pop("extra"), **cat)


def fixed_draws(steps: int, tolerance: float = 0.5, dlt_time: float = 0.5, gap: float = 0.5,
                resume: float = 0.5) -> np.ndarray:
    """Draws (1, F, steps) with every patient's fields set to the given uniforms."""
    values = {"tolerance": tolerance, "gap": gap, "resume": resume, "dlt_time": dlt_time}
    return np.array([[np.full(steps, values[f]) for f in ONE_ARM_FIELDS]])
