"""Outcome strings in the notation of the R package escalation: `1NNN 2NTN` (1-based dose, T = DLT, N = none)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import OutcomeStringError


@dataclass(frozen=True)
class CohortOutcome:
    """One cohort: its 1-based dose level and each patient's outcome (True = DLT)."""

    level: int
    dlts: tuple[bool, ...]


def parse_outcomes(text: str, n_doses: int | None = None, max_n: int | None = None) -> list[CohortOutcome]:
    """Parse an outcome string; an error points at the offending character.

    Cohorts may be separated by spaces or not: a dose level right after a T or N starts a new cohort
    (`1NNN2NTN` = `1NNN 2NTN`). With `max_n`, a patient beyond it is an error pointing at that patient.
    """
    cohorts: list[CohortOutcome] = []
    i, L = 0, len(text)
    patients = 0
    while i < L:
        if text[i].isspace():
            i += 1
            continue
        start = i
        while i < L and text[i].isdigit():
            i += 1
        if i == start:
            raise OutcomeStringError(text, i, f"expected a dose level (a number from 1) but found {text[i]!r}")
        level = int(text[start:i])
        if level < 1:
            raise OutcomeStringError(text, start, "dose levels count from 1")
        if n_doses is not None and level > n_doses:
            raise OutcomeStringError(text, start, f"dose level {level} is above the top of the ladder ({n_doses})")
        dlts = []
        while i < L and not text[i].isspace() and not (dlts and text[i].isdigit()):
            ch = text[i]
            if ch in "TtNn":
                dlts.append(ch in "Tt")
            else:
                raise OutcomeStringError(text, i, f"expected T (a DLT) or N (no DLT) but found {ch!r}")
            patients += 1
            if max_n is not None and patients > max_n:
                raise OutcomeStringError(text, i, f"patient {patients} is more than the design's max_n = {max_n}; "
                                         "shorten the trial so far")
            i += 1
        if not dlts:
            raise OutcomeStringError(text, i if i < L else start, f"the cohort at dose {level} has no patients; "
                                     f"write one T or N per patient, e.g. {level}NNN")
        cohorts.append(CohortOutcome(level, tuple(dlts)))
    return cohorts


def format_outcomes(cohorts: list[CohortOutcome]) -> str:
    """Write cohorts as an outcome string."""
    return " ".join(f"{c.level}" + "".join("T" if t else "N" for t in c.dlts) for c in cohorts)


def counts(cohorts: list[CohortOutcome], n_doses: int) -> tuple[np.ndarray, np.ndarray]:
    """Patients and DLTs per dose (0-based arrays) after these cohorts."""
    n = np.zeros(n_doses, dtype=np.int64)
    x = np.zeros(n_doses, dtype=np.int64)
    for c in cohorts:
        n[c.level - 1] += len(c.dlts)
        x[c.level - 1] += sum(c.dlts)
    return n, x
