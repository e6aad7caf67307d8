"""One simulated trial in calendar time, patient by patient: what the app's timeline draws."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..arms.process import TwoArmProcess
from ..designs.base import Design
from ..engine.trace import TrialTrace
from .draws import clock_draws
from .engine import Patients, Trace, simulate_with_clock
from .results import ClockResults
from .spec import TimeModel
from .two_arms import TwoArmClockResults, simulate_two_arms_with_clock


@dataclass(frozen=True)
class PatientRecord:
    """One patient: arm (0 = A), dose (0-based), arrival and start, the end of the window, and the DLT if any."""

    arm: int
    dose: int
    arrival: float
    start: float
    window_end: float
    dlt: bool
    dlt_time: float | None  # calendar time of the DLT

    def to_dict(self) -> dict[str, Any]:
        """Dose levels 1-based, as users see them."""
        return {"arm": self.arm, "dose": self.dose + 1, "arrival": self.arrival, "start": self.start,
                "window_end": self.window_end, "dlt": self.dlt, "dlt_time": self.dlt_time}


@dataclass(frozen=True)
class DecisionRecord:
    """A decision: when, which arm, "assign" (the dose given next) or "stop" (the dose selected, -1 none), and how
    many outcomes were pending then."""

    time: float
    arm: int
    kind: str
    dose: int
    pending: int

    def to_dict(self) -> dict[str, Any]:
        """Dose levels 1-based (null: none)."""
        return {"time": self.time, "arm": self.arm, "kind": self.kind,
                "dose": None if self.dose < 0 else self.dose + 1, "pending": self.pending}


@dataclass(frozen=True)
class Timeline:
    """A whole trial: patients in order of enrolment, decisions, suspensions (arm, from, to), each arm's selected
    dose, and the trial's time figures."""

    patients: tuple[PatientRecord, ...]
    decisions: tuple[DecisionRecord, ...]
    suspensions: tuple[tuple[int, float, float], ...]
    selected: tuple[int, ...]
    duration: float
    time_to_mtd: float
    lost: float
    time_unit: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the app and JSON."""
        return {"patients": [p.to_dict() for p in self.patients],
                "decisions": [d.to_dict() for d in self.decisions],
                "suspensions": [{"arm": a, "from": f, "to": t} for a, f, t in self.suspensions],
                "selected": [None if s < 0 else s + 1 for s in self.selected],
                "duration": self.duration, "time_to_mtd": self.time_to_mtd, "lost": self.lost,
                "time_unit": self.time_unit}


def timeline_of(row: int, res: ClockResults, pat: Patients, trace: Trace, window: float | tuple[float, ...],
                arm_of: np.ndarray | None = None) -> Timeline:
    """The timeline of trial `row` of a traced run (one arm: arm_of None; two arms: each patient's arm)."""
    windows = window if isinstance(window, tuple) else (window,)
    enrolled = np.flatnonzero(pat.dose[row] >= 0)
    patients = []
    for i in enrolled:
        arm = 0 if arm_of is None else int(arm_of[row, i])
        start = float(pat.start[row, i])
        dlt = bool(pat.dlt[row, i])
        patients.append(PatientRecord(arm, int(pat.dose[row, i]), float(pat.arrival[row, i]), start,
                                      start + windows[arm], dlt, float(pat.known[row, i]) if dlt else None))
    decisions = []
    for rows, t, dose, pending, kind, *arm in trace.decisions:
        for h in np.flatnonzero(rows == row):
            decisions.append(DecisionRecord(float(t[h]), int(arm[0]) if arm else 0, kind, int(dose[h]),
                                            int(pending[h])))
    suspensions = []
    for rows, t0, t1, *arm in trace.suspensions:
        for h in np.flatnonzero(rows == row):
            suspensions.append((int(arm[0]) if arm else 0, float(t0[h]), float(t1[h])))
    decisions.sort(key=lambda d: (d.time, d.arm))
    suspensions.sort(key=lambda s: (s[1], s[0]))
    selected = (int(res.trials.selected[row]),) if res.trials is not None else ()
    return Timeline(tuple(patients), tuple(decisions), tuple(suspensions), selected,
                    float(res.duration[row]), float(res.time_to_mtd[row]), float(res.lost[row]), res.time.time_unit)


def two_arm_timeline_of(row: int, res: TwoArmClockResults, pat: Patients, arm_of: np.ndarray, trace: Trace,
                        windows: tuple[float, float]) -> Timeline:
    """The timeline of trial `row` of a traced two-arm run: the whole trial's figures, each arm's selection."""
    one = timeline_of(row, res.trial, pat, trace, windows, arm_of)
    sel = tuple(int(a.trials.selected[row]) for a in res.arms)
    return Timeline(one.patients, one.decisions, one.suspensions, sel, one.duration, one.time_to_mtd, one.lost,
                    one.time_unit)


def two_arm_trial_timeline(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray],
                           times: tuple[TimeModel, TimeModel], rng: np.random.Generator) -> Timeline:
    """One simulated two-arm trial with the clock, recorded for its timeline."""
    draws = clock_draws(rng, 1, process.max_total, arms=2)
    trace = Trace()
    res, pat, arm_of = simulate_two_arms_with_clock(process, truths, times, draws, trace)
    return two_arm_timeline_of(0, res, pat, arm_of, trace, (times[0].dlt_window, times[1].dlt_window))


def trial_timeline(design: Design, truth: np.ndarray, time: TimeModel, rng: np.random.Generator) -> Timeline:
    """One simulated one-arm trial with the clock, recorded for its timeline."""
    draws = clock_draws(rng, 1, design.max_n)
    trace = Trace()
    res, pat = simulate_with_clock(design, truth, time, draws, trace)
    return timeline_of(0, res, pat, trace, time.dlt_window)


def trace_of(timeline: Timeline, pat: Patients, row: int = 0) -> TrialTrace:
    """The teaching view's trace (who came when, cohort by cohort) of the trial a timeline records."""
    enrolled = np.flatnonzero(pat.dose[row] >= 0)
    arms = [p.arm for p in timeline.patients]
    opened = [bool(pat.opened[row, i]) for i in enrolled]
    ends = []
    for k, a in enumerate(arms):
        later = [m for m in range(k + 1, len(arms)) if arms[m] == a]
        ends.append(not later or opened[later[0]])
    return TrialTrace(tuple(arms), tuple(p.dose for p in timeline.patients), tuple(p.dlt for p in timeline.patients),
                      tuple(ends), timeline.selected)
