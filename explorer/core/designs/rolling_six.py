"""Rolling six (Skolnik et al. 2008): two to six patients on a dose at once, escalating only when no pending
outcome could change the decision."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import Problem
from .base import Capability, CountState, Design, Proposal
from .pending import PendingState

#: Patients a dose can hold: the rolling six's six.
SIX = 6
ESCALATE, SAME, DEESCALATE, SUSPEND = 1, 0, -1, 2


def rolling_six_action(N: np.ndarray, D: np.ndarray, P: np.ndarray) -> np.ndarray:
    """The rule at the current dose from N treated, D DLTs seen and P outcomes pending (Skolnik's table).

    De-escalate on 2 DLTs; escalate once at least 3 are treated and even if every pending outcome were a DLT
    the dose would pass (0 DLTs of 3-5, at most 1 of 6); with 6 treated and no decision yet, suspend accrual;
    otherwise treat the next patient at the same dose.
    """
    worst = D + P
    esc = ((N >= 3) & (N < SIX) & (worst == 0)) | ((N >= SIX) & (worst <= 1))
    return np.where(D >= 2, DEESCALATE, np.where(esc, ESCALATE, np.where(N >= SIX, SUSPEND, SAME)))


class RollingSix(Design):
    """Rolling six: one patient at a time, up to six on a dose while earlier outcomes are pending.

    With N treated at the current dose, D DLTs seen and P pending (Skolnik et al. 2008's table, as reproduced in
    JAMA Netw Open 2020;3:e204787): D ≥ 2 de-escalates; escalate when no pending outcome can change the decision
    (N = 3-5 with 0 DLTs and none pending; N = 6 with at most 1 DLT counting every pending outcome as one);
    N = 6 otherwise suspends accrual until outcomes come in; else the next patient gets the same dose.
    De-escalation goes to the highest lower dose with fewer than 2 DLTs: if it already has 6 patients it is the
    MTD and the trial stops, else patients accrue there up to 6 (3+3's convention); below the lowest dose the
    trial stops with no MTD. A dose with 2 DLTs is never given again: escalating towards one stops with the
    current dose as the MTD once it has 6 patients, and accrues it up to 6 before that. Escalating at the top
    dose makes it the MTD. Without a clock (every outcome known at each decision) the same rules apply with
    nothing pending. If the trial stops with outcomes pending, the MTD is chosen once they are known: the highest
    dose with 0 DLTs of at least 3 or at most 1 of 6, below any dose with 2 DLTs.
    """

    method = "rolling-six"
    aliases = ("rolling6", "rolling_six", "r6")
    order = 12
    title = "Rolling six (Skolnik et al. 2008)"
    summary = ("Up to six patients on a dose while outcomes are pending; escalate only when no pending outcome "
               "can change the decision, else suspend at six (Skolnik's published table, not labja/RollingSix's, "
               "which escalates from 4-5 patients with outcomes pending).")
    rules = ("Skolnik et al. 2008's published table (as reproduced in JAMA Netw Open 2020;3:e204787): escalate "
             "only when no pending outcome can change the decision; labja/RollingSix's table, which escalates from 4-5 "
             "patients with outcomes pending, is not used. After de-escalation: accrue the lower dose up to 6 "
             "(3+3's convention, a footnote of the paper), never re-escalate to a dose with 2 DLTs. A DLT seen late "
             "at a lower dose counts when the next decision is made. MTD (if the trial stops with outcomes "
             "pending, once they are known): the highest dose with 0 DLTs of at least 3 or at most 1 of 6.")
    capabilities = frozenset({Capability.EXACT, Capability.NEEDS_TIME, Capability.SUSPENDS})
    options = ()

    @classmethod
    def cross_check(cls, opts: dict[str, Any], n_doses: int, target: float, where: str) -> list[Problem]:
        """No options to cross-check."""
        return []

    @property
    def max_n(self) -> int:
        """Six patients at every dose at most."""
        return SIX * self.n_doses

    @property
    def max_cohort(self) -> int:
        """One patient at a time."""
        return 1

    def eliminated(self, n: np.ndarray, x: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """A dose with 2 or more DLTs, and every dose above it."""
        return np.maximum.accumulate(x >= 2, axis=1)

    def select_now(self, n: np.ndarray, x: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """The highest dose with 0 DLTs of at least 3 or at most 1 of 6, below any dose with 2 DLTs; -1 if none."""
        ok = (((n >= 3) & (x == 0)) | ((n >= SIX) & (x <= 1))) & ~self.eliminated(n, x, extra)
        K = n.shape[1]
        return np.where(ok.any(axis=1), K - 1 - np.argmax(ok[:, ::-1], axis=1), -1)

    def propose(self, s: CountState) -> Proposal:
        """Skolnik's table at the current dose, with the pending outcomes of a PendingState (none without a clock)."""
        n, x = s.n, s.x
        pending = s.pending if isinstance(s, PendingState) else np.zeros_like(n)
        S, K = n.shape
        rows = s.rows
        first = s.first
        d = s.current
        act = rolling_six_action(n[rows, d], x[rows, d], pending[rows, d])
        act = np.where(first, SAME, act)
        dose = d.copy()
        stop = np.zeros(S, dtype=bool)
        sel = np.full(S, -1, dtype=np.int64)

        # escalation: at the top dose, or towards a dose with 2 DLTs once this one has 6, the MTD is found
        up = act == ESCALATE
        top = d == K - 1
        blocked = ~top & (x[rows, np.minimum(d + 1, K - 1)] >= 2)
        found = up & (top | (blocked & (n[rows, d] >= SIX)))
        stop |= found
        sel[found] = d[found]
        dose = np.where(up & ~top & ~blocked, d + 1, dose)

        # de-escalation: the highest lower dose with fewer than 2 DLTs; the MTD if it has 6 already; none below
        down = act == DEESCALATE
        below = (np.arange(K)[None, :] < d[:, None]) & (x < 2)
        j = np.where(below.any(axis=1), K - 1 - np.argmax(below[:, ::-1], axis=1), -1)
        none = down & (j < 0)
        jj = np.maximum(j, 0)
        full = down & (j >= 0) & (n[rows, jj] >= SIX)
        stop |= full
        sel[full] = j[full]
        dose = np.where(down & ~none & ~full, jj, dose)
        # a cap reached (every dose full, or a shared cap) stops with select_now: Design.decide's sample-size rule
        return Proposal(dose, unsafe=none, stop=stop, selected=sel, size=1, suspend=act == SUSPEND)
