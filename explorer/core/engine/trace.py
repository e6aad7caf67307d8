"""One simulated trial, patient by patient in order of entry (the teaching view), for one arm or several."""

from __future__ import annotations

from dataclasses import dataclass

from ..outcomes import CohortOutcome, format_outcomes


@dataclass(frozen=True)
class TrialTrace:
    """Who came when: each patient's arm (0 for a one-arm trial), dose (0-based) and DLT, whether they completed a
    cohort of their arm, and each arm's selected dose (-1: none)."""

    arm: tuple[int, ...]
    dose: tuple[int, ...]
    dlt: tuple[bool, ...]
    cohort_end: tuple[bool, ...]
    selected: tuple[int, ...]

    def cohorts(self, arm: int = 0) -> list[CohortOutcome]:
        """One arm's cohorts in order (1-based levels; a cohort cut short when the trial ended is kept)."""
        out, dose, dlts = [], -1, []
        for a, d, t, end in zip(self.arm, self.dose, self.dlt, self.cohort_end):
            if a != arm:
                continue
            dose = d
            dlts.append(t)
            if end:
                out.append(CohortOutcome(dose + 1, tuple(dlts)))
                dlts = []
        if dlts:
            out.append(CohortOutcome(dose + 1, tuple(dlts)))
        return out

    def outcomes(self, arm: int = 0) -> str:
        """One arm's outcome string, e.g. "1NNN 2NTN"."""
        return format_outcomes(self.cohorts(arm))
