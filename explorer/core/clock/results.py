"""End states of trials run with a clock: the untimed end states, and each trial's time figures."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from ..engine.results import TrialResults
from .spec import TimeModel


@dataclass(frozen=True)
class TimeFigures:
    """Each trial's time figures (arrays of length trials), in the time model's unit, for one arm or a whole trial.

    `duration` (by the model's definition), `time_to_mtd` (when the final decision was made, every outcome it needs
    known), `accrual_time` (the last patient's start), `waited` (patients enrolled after waiting), `lost` (arrivals
    turned away; expected counts under Poisson or uniform accrual, see draws.lost_between), `total_wait` (time
    patients spent waiting), `suspended` (time accrual was suspended before a dose could be assigned), `decisions`
    (dose decisions, the final one included) and `pending_decisions` (those made with outcomes pending).
    """

    duration: np.ndarray
    time_to_mtd: np.ndarray
    accrual_time: np.ndarray
    waited: np.ndarray
    lost: np.ndarray
    total_wait: np.ndarray
    suspended: np.ndarray
    decisions: np.ndarray
    pending_decisions: np.ndarray

    def figure(self, name: str) -> np.ndarray:
        """One per-trial time figure by name (TIME_FIGURES)."""
        return np.asarray(getattr(self, name), dtype=float)

    def figures_only(self) -> TimeFigures:
        """The figures without anything a subclass adds."""
        return TimeFigures(*(getattr(self, f) for f in TIME_FIGURES))

    @classmethod
    def concatenate(cls, parts: list[TimeFigures]) -> TimeFigures:
        """Consecutive chunks of trials as one run."""
        return TimeFigures(*(np.concatenate([getattr(p, f) for p in parts]) for f in TIME_FIGURES))


#: Per-trial time figures, in the order the OCs report them.
TIME_FIGURES = tuple(f.name for f in fields(TimeFigures))


@dataclass(frozen=True)
class ClockResults(TimeFigures):
    """What each trial of one arm did (`trials`: selected dose, patients and DLTs per dose; None for a whole two-arm
    trial) under its clock (`time`), and how long it took (the TimeFigures)."""

    trials: TrialResults | None = None
    time: TimeModel = TimeModel()


@dataclass(frozen=True)
class TrialTimes:
    """The time figures of a batch of trials with a clock, as the pipeline's Outcomes carry them: each arm's clock
    and figures, and with two arms the whole trial's."""

    models: tuple[TimeModel, ...]
    arms: tuple[TimeFigures, ...]
    trial: TimeFigures | None = None

    @classmethod
    def concatenate(cls, parts: list[TrialTimes]) -> TrialTimes:
        """Consecutive chunks of trials as one run (Outcomes' merge_chunks calls this)."""
        first = parts[0]
        arms = tuple(TimeFigures.concatenate([p.arms[j] for p in parts]) for j in range(len(first.arms)))
        trial = None if first.trial is None else TimeFigures.concatenate([p.trial for p in parts])  # type: ignore
        return cls(first.models, arms, trial)
