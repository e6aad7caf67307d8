"""What a design sees at one moment of a trial with a clock: counts so far, and each patient's follow-up."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from .base import CountState

if TYPE_CHECKING:
    from .base import Design

#: The per-patient fields of a PendingState (rows × patients enrolled, in order of enrolment).
PATIENT_FIELDS = ("dose", "dlt", "complete", "follow")


class PendingState(CountState):
    """The data of a batch of trials at one moment (rows: trials), for `Design.decide_pending`.

    As a CountState: `n` patients treated per dose (pending included), `x` DLTs observed so far, `cur` the dose of
    the most recent patient (-1 before the first) and `extra` the design's memory. Besides, per dose `done` (patients
    who completed the DLT window without one) and per patient (rows × patients enrolled, in order of enrolment):
    `dose` (-1 where the column is empty), `dlt` (a DLT observed by now), `complete` (outcome known: DLT observed or
    window over) and `follow`, the fraction of the window followed, min(time since start, W) / W; for an observed
    DLT, the fraction at which it happened.
    """

    def __init__(self, design: Design, n: np.ndarray, x: np.ndarray, cur: np.ndarray, extra: np.ndarray, *,
                 done: np.ndarray, dose: np.ndarray, dlt: np.ndarray, complete: np.ndarray, follow: np.ndarray):
        super().__init__(design, n, x, cur, extra)
        self.design = design
        self.done, self.dose, self.dlt, self.complete, self.follow = done, dose, dlt, complete, follow

    @cached_property
    def pending(self) -> np.ndarray:
        """Patients per dose whose outcome is not known yet."""
        return self.n - self.x - self.done

    @cached_property
    def any_pending(self) -> np.ndarray:
        """Rows with at least one outcome pending."""
        if self.complete.shape[1] == 0:
            return np.zeros(self.n.shape[0], dtype=bool)
        return ~self.complete.all(axis=1)

    @property
    def completed_n(self) -> np.ndarray:
        """Patients per dose whose outcome is known (observed DLTs and completed windows)."""
        return self.x + self.done

    def subset(self, idx: np.ndarray) -> PendingState:
        """The state of a subset of rows."""
        return PendingState(self.design, self.n[idx], self.x[idx], self.cur[idx], self.extra[idx],
                            done=self.done[idx], **{f: getattr(self, f)[idx] for f in PATIENT_FIELDS})

    def pending_follow_at(self, dose: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """At the given dose of each row: the number pending, and STFT, the sum of their followed fractions."""
        pend = (self.dose == dose[:, None]) & ~self.complete
        return pend.sum(axis=1), np.where(pend, self.follow, 0.0).sum(axis=1)
