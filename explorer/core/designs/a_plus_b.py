"""The rule-based A+B family of Lin & Shih (2001), and 3+3 as its best-known member."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import Problem
from .base import BOOL, CHOICE, INT, CountState, Design, Option, Proposal

# How the dose below an overly toxic one is treated (see APlusB.decide).
EXPAND = "expand"          # give it b more patients if it has only a; MTD needs a + b patients
ACCEPT = "accept"          # declare it the MTD as it stands
HIGHEST_FULL = "highest_full"  # MTD is the highest dose with a + b patients and at most e DLTs


class APlusB(Design):
    """A+B: cohorts of a, expanded by b when the DLT count is in the grey zone.

    With x DLTs among the first a patients at a dose: x < c escalate; c ≤ x ≤ d treat b more;
    x > d the dose exceeds the MTD. After a + b patients: at most e DLTs escalate, more exceed.
    At the top dose (or below a dose that exceeded) a dose is confirmed with a + b patients.
    When a dose exceeds the MTD the trial goes down one level: with de-escalation the dose
    below is expanded to a + b and is the MTD if it has at most e DLTs, else the rule repeats;
    without it, the dose below is declared the MTD. Below the lowest dose: no selection.
    """

    method = "a+b"
    order = 11
    stops_at_max_n = False  # the rule ends the trial itself, with every dose at most a + b patients
    title = "A+B (Lin & Shih 2001)"
    summary = "Generalised rule-based A+B escalation; 3+3 is a = b = 3, c = d = e = 1."
    options = (
        Option("a", INT, 3, "patients in the first cohort at a dose", low=1, high=12,
               label="First cohort (A)"),
        Option("b", INT, 3, "patients added when the first cohort is in the grey zone", low=1,
               high=12, label="Added patients (B)"),
        Option("c", INT, 1, "escalate when fewer than c of the first a have a DLT", low=1, high=12,
               label="Escalate below (C) DLTs"),
        Option("d", INT, 1, "the dose exceeds the MTD when more than d of the first a have a DLT",
               low=0, high=12, label="Too toxic above (D) DLTs"),
        Option("e", INT, 1, "after a + b patients, escalate with at most e DLTs, else the dose exceeds the MTD",
               low=0, high=24, label="After A+B: escalate up to (E)"),
        Option("deescalation", BOOL, True,
               "when a dose exceeds the MTD, expand the dose below to a + b before declaring it the MTD",
               label="Expand the dose below"),
    )

    @classmethod
    def cross_check(cls, opts: dict[str, Any], n_doses: int, target: float, where: str) -> list[Problem]:
        """Lin & Shih's constraints on a, b, c, d, e."""
        a, b, c, d, e = (opts[k] for k in "abcde")
        problems = []
        if c > a:
            problems.append(Problem(f"{where}.c", f"c = {c} cannot exceed a = {a} (escalate when fewer than c "
                                    f"of the first a have a DLT)."))
        if d < c - 1:
            problems.append(Problem(f"{where}.d", f"d = {d} must be at least c − 1 = {c - 1}, so that the "
                                    f"escalation and the too-toxic zones do not overlap."))
        if d > a:
            problems.append(Problem(f"{where}.d", f"d = {d} cannot exceed a = {a}."))
        if e < d:
            problems.append(Problem(f"{where}.e", f"e = {e} must be at least d = {d} (Lin & Shih's E ≥ D)."))
        if e >= a + b:
            problems.append(Problem(f"{where}.e", f"e = {e} must be below a + b = {a + b}, or no dose could "
                                    f"ever exceed the MTD after expansion."))
        return problems

    def setup(self) -> None:
        """Unpack the parameters."""
        self.a, self.b, self.c, self.d, self.e = (int(self.opts[k]) for k in "abcde")
        self.mode = EXPAND if self.opts["deescalation"] else ACCEPT

    @property
    def max_n(self) -> int:
        """Every dose treated with a + b patients at most."""
        return self.n_doses * (self.a + self.b)

    @property
    def max_cohort(self) -> int:
        """Cohorts are a or b patients."""
        return max(self.a, self.b)

    def _exceeded(self, n: np.ndarray, x: np.ndarray) -> np.ndarray:
        a, b = self.a, self.b
        return ((n == a) & (x > self.d)) | ((n == a + b) & (x > self.e))

    def eliminated(self, n: np.ndarray, x: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """A dose that exceeded the MTD, and every dose above it."""
        return np.maximum.accumulate(self._exceeded(n, x), axis=1)

    def select_now(self, n: np.ndarray, x: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """If cut short: the highest dose that met its escalation criterion (fewer than c of a, or at most e of
        a + b DLTs) below any dose that exceeded the MTD; -1 if none."""
        a, b = self.a, self.b
        ok = (((n == a) & (x < self.c)) | ((n == a + b) & (x <= self.e))) & ~self.eliminated(n, x, extra)
        K = n.shape[1]
        return np.where(ok.any(axis=1), K - 1 - np.argmax(ok[:, ::-1], axis=1), -1)

    def exact_states(self) -> float:
        """Each dose is treated with at most a + b patients: few paths, at most K·(a + 1)(b + 1) end states per
        level reached."""
        return float(4 * self.n_doses ** 2 * (self.a + 1) * (self.b + 1))

    def states_after(self, patients: int) -> float:
        """The few paths spread over the at most 2K cohort steps."""
        return self.exact_states() / (2 * self.n_doses) * (patients % self.a + 1)

    def propose(self, s: CountState) -> Proposal:
        """Apply the A+B rule at the dose just treated."""
        a, b, c, d, e = self.a, self.b, self.c, self.d, self.e
        n, x = s.n, s.x
        S, K = n.shape
        rows = s.rows
        first = s.first
        cc = s.current
        nd, xd = s.n_here, s.x_here
        exceeded = self._exceeded(n, x)
        top = cc == K - 1
        above = np.minimum(cc + 1, K - 1)
        above_exceeded = exceeded[rows, above] & ~top
        confirm_here = top | above_exceeded  # no escalation possible: confirm with a + b

        dose = np.full(S, -1, dtype=np.int64)
        size = np.zeros(S, dtype=np.int64)
        stop = np.zeros(S, dtype=bool)
        sel = np.full(S, -1, dtype=np.int64)

        def go(mask: np.ndarray, to: np.ndarray | int, k: int) -> None:
            dose[mask] = to[mask] if isinstance(to, np.ndarray) else to
            size[mask] = k

        def select(mask: np.ndarray, which: np.ndarray | int) -> None:
            stop[mask] = True
            sel[mask] = which[mask] if isinstance(which, np.ndarray) else which

        untreated = (~first) & (nd == 0)
        stage1 = (~first) & (nd == a)
        stage2 = (~first) & (nd == a + b)
        go(first | untreated, cc, a)

        low1 = stage1 & (xd < c)
        go(low1 & ~confirm_here, cc + 1, a)
        if self.mode == ACCEPT:
            # without expansion a dose below one that exceeded is the MTD after its first cohort
            select(low1 & above_exceeded, cc)
            go(low1 & top, cc, b)
        else:
            go(low1 & confirm_here, cc, b)
        go(stage1 & (xd >= c) & (xd <= d), cc, b)

        ok2 = stage2 & (xd <= e)
        select(ok2 & confirm_here, cc)
        go(ok2 & ~confirm_here, cc + 1, a)

        exc = (stage1 & (xd > d)) | (stage2 & (xd > e))
        select(exc & (cc == 0), -1)
        down = exc & (cc > 0)
        j = np.maximum(cc - 1, 0)
        nj = n[rows, j]
        if self.mode == HIGHEST_FULL:
            ok_full = (n == a + b) & (x <= e) & (np.arange(K)[None, :] < cc[:, None])
            highest = np.where(ok_full.any(axis=1), K - 1 - np.argmax(ok_full[:, ::-1], axis=1), -1)
            select(down, highest)
        elif self.mode == ACCEPT:
            select(down & (nj > 0), j)
            go(down & (nj == 0), j, a)
        else:
            select(down & (nj == a + b), j)
            go(down & (nj == a), j, b)
            go(down & (nj == 0), j, a)
        return Proposal(dose, stop=stop, selected=sel, size=size)


class ThreePlusThree(APlusB):
    """The 3+3 design, with the standard rule of the reference and common variants."""

    method = "3+3"
    order = 10
    title = "3+3"
    summary = "The traditional rule-based design: cohorts of 3, expanded to 6 on 1 DLT."
    options = (
        Option("variant", CHOICE, "standard",
               "standard: expand the dose below to 6 before declaring it the MTD; "
               "no_expansion: declare the dose below the MTD as it stands; "
               "highest_six: escalate on 0/3 or ≤1/6, MTD is the highest dose with ≤1/6",
               choices=("standard", "no_expansion", "highest_six"), label="Variant",
               choice_labels=("standard (expand the dose below to 6)", "no expansion of the dose below",
                              "highest dose with at most 1 of 6")),
    )

    @classmethod
    def cross_check(cls, opts: dict[str, Any], n_doses: int, target: float, where: str) -> list[Problem]:
        """Nothing to cross-check: the parameters are fixed."""
        return []

    def setup(self) -> None:
        """3+3 is A+B with a = b = 3 and c = d = e = 1."""
        self.a, self.b, self.c, self.d, self.e = 3, 3, 1, 1, 1
        self.mode = {"standard": EXPAND, "no_expansion": ACCEPT, "highest_six": HIGHEST_FULL}[self.opts["variant"]]
