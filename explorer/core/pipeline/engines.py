"""One engine per way a trial unfolds, behind one interface: how many uniforms a simulated patient needs, exact
enumeration under a guard, Monte Carlo on given draws, and the OCs of the outcomes.

- `OneArm`: one arm, cohort by cohort (the latent-tolerance engine and the count-state enumeration).
- `SharedStream`: two arms sharing one stream of patients, patient by patient (the two-arm process).
- `Clocked`, `ClockedStream`: the same with a clock (the protocol's "time"): patients in calendar time, pending
  outcomes, and each trial's time figures; Monte Carlo only.
The pipeline asks `engine_for(protocol, candidate)` and never looks at the number of arms or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..arms.engine import FIELDS as SHARED_FIELDS
from ..arms.engine import enrolment_limit, enumerate_two_arms, simulate_two_arms
from ..arms.process import TwoArmProcess
from ..arms.trace import trace_two_arm_trial
from ..clock.draws import ONE_ARM_FIELDS, TWO_ARM_FIELDS
from ..clock.engine import Trace, simulate_with_clock
from ..clock.oc import summarise_times
from ..clock.results import TrialTimes
from ..clock.spec import TimeModel
from ..clock.timeline import Timeline, timeline_of, trace_of, two_arm_timeline_of
from ..clock.two_arms import simulate_two_arms_with_clock
from ..designs.base import Capability, Design
from ..engine import Outcomes, enumerate_exact, simulate, simulate_trial
from ..engine.exact import StepGuard
from ..engine.trace import TrialTrace
from ..oc import TrialOC, summarise_trial
from ..protocol import Candidate, Protocol
from .budget import Budget, Guard

#: The two-arm state holds more than both arms' counts (see SharedStream.exact_estimate), and deciding it costs more
#: than one design's decision (a patient-by-patient step: 4-6 µs per state against 1.5).
JOINT_STATES = 0.3
JOINT_COST = 3.0


class _Recording:
    """A guard that also records each step's live states."""

    def __init__(self, guard: StepGuard):
        self.guard = guard
        self.states: list[int] = []

    def check(self, states: int) -> None:
        self.states.append(states)
        self.guard.check(states)


@dataclass
class Engine:
    """What the pipeline needs from an engine (see the module docstring)."""

    designs: tuple[Design, ...]
    truths: list[np.ndarray]
    target: float
    #: Uniforms drawn per patient (the draws' second axis) and patients a trial can enrol (its third).
    fields: int
    steps: int

    @property
    def enumerable(self) -> bool:
        """Every design decides from count states (exact enumeration can be tried)."""
        return all(Capability.EXACT in d.capabilities for d in self.designs)

    #: Why exact enumeration is not offered, when `enumerable` is False (the note and the error say so).
    why_not_exact = "the design needs more than count states to decide"

    def describe(self) -> str:
        """The trial's size in words, for budget messages ("boin: 36 patients in cohorts of 1")."""
        each = [f"{d.method}: {d.max_n} patients in cohorts of {d.max_cohort}" for d in self.designs]
        if len(each) > 1 and len(set(each)) == 1:
            return f"{each[0]}, in each arm"
        return " and ".join(each)

    #: How far off the estimate may be (a factor): beyond the budget by more than this, exact is refused at once.
    estimate_spread = 2.0

    def exact_estimate(self, budget: Budget) -> tuple[float, float]:
        """(estimated states an exact enumeration visits, relative cost of one decision)."""
        raise NotImplementedError

    @property
    def exact_steps(self) -> int:
        """The most steps an exact enumeration takes (cohorts, or patients)."""
        return self.steps

    def enumerate(self, guard: StepGuard) -> Outcomes:
        """Exact outcomes (the guard may stop the enumeration)."""
        raise NotImplementedError

    def simulate(self, draws: np.ndarray) -> Outcomes:
        """Monte Carlo outcomes, one trial per row of draws (trials × ≥ fields × ≥ steps uniforms)."""
        raise NotImplementedError

    def trace(self, draws: np.ndarray) -> TrialTrace:
        """One trial, patient by patient, on one row of draws (fields × steps)."""
        raise NotImplementedError

    def timeline(self, draws: np.ndarray) -> Timeline | None:
        """One trial in calendar time on one row of draws (None: the trial has no clock)."""
        return None

    def summarise(self, out: Outcomes) -> TrialOC:
        """The OCs of the outcomes."""
        return summarise_trial(out, self.truths, self.target, [d.acceptable_interval() for d in self.designs],
                               self.cap)

    @property
    def cap(self) -> int | None:
        """The most patients the whole trial may enrol (for P(cap reached)); None for one arm."""
        return None


class OneArm(Engine):
    """One arm, cohort by cohort."""

    def __init__(self, design: Design, truth: np.ndarray, target: float):
        super().__init__((design,), [truth], target, fields=1, steps=design.max_n)

    @property
    def exact_steps(self) -> int:
        """Cohorts: the enumeration branches once per cohort."""
        d = self.designs[0]
        return -(-d.max_n // d.max_cohort)

    def exact_estimate(self, budget: Budget) -> tuple[float, float]:
        """The design's own estimate."""
        d = self.designs[0]
        return d.exact_states(), d.decide_cost

    def enumerate(self, guard: StepGuard) -> Outcomes:
        """Binomial branching per cohort, identical count states merged."""
        return Outcomes((enumerate_exact(self.designs[0], self.truths[0], guard),))

    def simulate(self, draws: np.ndarray) -> Outcomes:
        """The first uniform of each patient is their latent tolerance."""
        return Outcomes((simulate(self.designs[0], self.truths[0], draws[:, 0, :self.steps]),))

    def trace(self, draws: np.ndarray) -> TrialTrace:
        """Cohort by cohort, recorded."""
        return simulate_trial(self.designs[0], self.truths[0], draws[0, :self.steps])


class SharedStream(Engine):
    """Two arms sharing one stream of patients, patient by patient."""

    estimate_spread = 10.0

    def __init__(self, process: TwoArmProcess, truths: list[np.ndarray], target: float):
        # draws are as wide as the overall cap (the patients' layout of every recorded result)
        super().__init__(process.designs, truths, target, fields=SHARED_FIELDS, steps=process.max_total)
        self.process = process

    @property
    def exact_steps(self) -> int:
        """Patients: the enumeration branches once per patient, at most as many as the trial can enrol."""
        return enrolment_limit(self.process)

    @property
    def cap(self) -> int | None:
        """The overall cap (or the sum of the arms' own)."""
        return self.process.max_total

    def exact_estimate(self, budget: Budget) -> tuple[float, float]:
        """Independent arms without a cap: the arms' own estimates added. Otherwise each arm is enumerated on its
        own first (quick; truth-independent but for truths of 0 or 1), and the joint states after t patients are
        estimated from every split of t between the arms, each arm's states after its patients (times its partial
        cohort), times JOINT_STATES (measured on 3+3, BOIN and CRM pairs, staggered and ordered, every assignment:
        the joint enumeration visits 0.05-0.7 of that product); each joint state costs JOINT_COST decisions."""
        a, b = self.designs
        cost = max(a.decide_cost, b.decide_cost)
        if self._independent:
            return a.exact_states() + b.exact_states(), cost
        per = []
        for d, t in zip(self.designs, self.truths):
            rec = _Recording(Guard(budget, self.describe(), -(-d.max_n // d.max_cohort), d.decide_cost))
            enumerate_exact(d, t, rec)
            s = [1, *rec.states]
            c = d.max_cohort
            per.append(np.array([s[min(k // c, len(s) - 1)] * (k % c + 1) for k in range(d.max_n + 1)], dtype=float))
        joint = np.convolve(per[0], per[1])[1:self.exact_steps + 1].sum()
        return float(joint) * JOINT_STATES, cost * JOINT_COST

    def enumerate(self, guard: StepGuard) -> Outcomes:
        """Branch every patient on eligibility, assignment and DLT; independent arms with no overall cap are two
        separate trials, each enumerated on its own (the joint law is their product)."""
        if self._independent:
            return Outcomes(tuple(enumerate_exact(d, t, guard) for d, t in zip(self.designs, self.truths)),
                            independent=True)
        return enumerate_two_arms(self.process, (self.truths[0], self.truths[1]), guard)

    @property
    def _independent(self) -> bool:
        ad = self.process.ad
        return ad.mode == "independent" and ad.max_total is None and ad.eligible_b > 0

    def simulate(self, draws: np.ndarray) -> Outcomes:
        """Tolerance, eligibility and assignment coin of each enrolled patient."""
        return simulate_two_arms(self.process, (self.truths[0], self.truths[1]), draws)

    def trace(self, draws: np.ndarray) -> TrialTrace:
        """Patient by patient, recorded."""
        return trace_two_arm_trial(self.process, (self.truths[0], self.truths[1]), draws)


class _InCalendarTime:
    """What the clocked engines share: no enumeration, a simulated trial's timeline and trace, time OCs."""

    why_not_exact = ("a trial with a clock is simulated patient by patient in calendar time; exact enumeration is not "
                     "offered with a \"time\" object")

    @property
    def enumerable(self) -> bool:
        """Never: the clock's states are continuous."""
        return False

    def trace(self, draws: np.ndarray) -> TrialTrace:
        """The trial of `timeline`, cohort by cohort (in each arm)."""
        return self._one(draws)[1]

    def timeline(self, draws: np.ndarray) -> Timeline:
        """Each patient's (arm,) arrival, start, window and DLT; decisions and suspensions."""
        return self._one(draws)[0]

    def summarise(self, out: Outcomes) -> TrialOC:
        """The OCs, and the time OCs (each arm's, and with two arms the whole trial's)."""
        return replace(super().summarise(out), time=summarise_times(out.time))


class Clocked(_InCalendarTime, Engine):
    """One arm in calendar time: arrivals, DLT windows, pending patients (clock.engine), patient by patient."""

    def __init__(self, design: Design, truth: np.ndarray, target: float, time: TimeModel):
        super().__init__((design,), [truth], target, fields=len(ONE_ARM_FIELDS), steps=design.max_n)
        self.time = time

    def simulate(self, draws: np.ndarray) -> Outcomes:
        """The clock's uniforms of each patient: tolerance, arrival gap, resume point, DLT time."""
        res, _ = simulate_with_clock(self.designs[0], self.truths[0], self.time, draws[:, :self.fields])
        return Outcomes((res.trials,), time=TrialTimes((self.time,), (res.figures_only(),)))

    def _one(self, draws: np.ndarray) -> tuple[Timeline, TrialTrace]:
        trace = Trace()
        res, pat = simulate_with_clock(self.designs[0], self.truths[0], self.time, draws[None, :self.fields], trace)
        tl = timeline_of(0, res, pat, trace, self.time.dlt_window)
        return tl, trace_of(tl, pat)

class ClockedStream(_InCalendarTime, SharedStream):
    """Two arms sharing one arrival stream in calendar time (clock.two_arms), patient by patient."""

    def __init__(self, process: TwoArmProcess, truths: list[np.ndarray], target: float,
                 times: tuple[TimeModel, TimeModel]):
        super().__init__(process, truths, target)
        self.fields = len(TWO_ARM_FIELDS)
        self.times = times

    def simulate(self, draws: np.ndarray) -> Outcomes:
        """The two-arm draws (tolerance, eligibility, coin) and the clock's (gap, resume, DLT time)."""
        res, _, _ = simulate_two_arms_with_clock(self.process, (self.truths[0], self.truths[1]), self.times,
                                                 draws[:, :self.fields])
        return Outcomes(res.results.arms, time=TrialTimes(self.times, tuple(a.figures_only() for a in res.arms),
                                                           res.trial.figures_only()))

    def _one(self, draws: np.ndarray) -> tuple[Timeline, TrialTrace]:
        trace = Trace()
        res, pat, arm_of = simulate_two_arms_with_clock(self.process, (self.truths[0], self.truths[1]), self.times,
                                                        draws[None, :self.fields], trace)
        tl = two_arm_timeline_of(0, res, pat, arm_of, trace, (self.times[0].dlt_window, self.times[1].dlt_window))
        return tl, trace_of(tl, pat)


def engine_for(protocol: Protocol, candidate: Candidate) -> Engine:
    """The engine that runs this candidate's designs on the protocol's scenario (with its clock, if it has one)."""
    designs = protocol.build_designs(candidate)
    truths = [np.asarray(a.truth, dtype=float) for a in protocol.arms]
    times = protocol.arm_times()
    if protocol.arm_design is None:
        if times is not None:
            return Clocked(designs[0], truths[0], protocol.target, times[0])
        return OneArm(designs[0], truths[0], protocol.target)
    process = TwoArmProcess((designs[0], designs[1]), protocol.arm_design)
    if times is not None:
        return ClockedStream(process, truths, protocol.target, (times[0], times[1]))
    return SharedStream(process, truths, protocol.target)
