"""How much exact enumeration may cost: an estimate made before enumerating, and a guard while enumerating.

Both count work in decided states (live states summed over the steps, times the design's relative cost of one
decision), never in seconds, so whether a protocol is computed exactly is the same on every machine: the same
protocol gives the same numbers whoever computes it. The estimate comes from the designs' declarations
(`Design.exact_states`); the guard is told each step's live states, and stops the enumeration once the states at
once or the work, done or projected from the states' growth so far, exceed the budget. A time limit well above
the budget's expected seconds is only a safety valve for an overloaded machine.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

#: Seconds per decided state at relative cost 1 (interval designs: 1.2-1.5 µs measured on this 2-core machine,
#: 4-12 doses): how budgets in seconds become budgets in work.
SECONDS_PER_STATE = 1.5e-6
#: The time limit, as a multiple of the budget's seconds (a safety valve, not the rule).
VALVE = 4.0


@dataclass(frozen=True)
class Budget:
    """What exact enumeration may spend: seconds of work (as decided states) and live states at once."""

    seconds: float
    max_states: int

    @property
    def work(self) -> float:
        """The budget as decided states of relative cost 1."""
        return self.seconds / SECONDS_PER_STATE


#: "auto": exact only when it answers at once (the app recomputes on every edit, for everyone in the room).
AUTO = Budget(seconds=1.0, max_states=400_000)
#: "exact": the hard limit; beyond it exact results are refused, with the estimate, and Monte Carlo suggested.
EXACT = Budget(seconds=20.0, max_states=4_000_000)


class ExactTooLarge(RuntimeError):
    """Exact enumeration would cost more than its budget: `what` says why, `states` is the estimate (or None)."""

    def __init__(self, what: str, states: float | None = None):
        self.what = what
        self.states = states
        super().__init__(what)


def about(states: float) -> str:
    """A state count as a message rounds it ("about 5,600,000 states")."""
    if states < 1000:
        return f"about {states:,.0f} states"
    digits = 10 ** max(int(math.log10(states)) - 1, 0)
    return f"about {round(states / digits) * digits:,.0f} states"


def check_estimate(states: float, cost: float, budget: Budget, what: str, spread: float = 2.0) -> None:
    """Refuse at once (ExactTooLarge) when the estimated work exceeds the budget by more than the estimate's spread
    (within it, the guard decides from the enumeration's own growth)."""
    if states * cost > spread * budget.work:
        raise ExactTooLarge(f"{what}: {about(states)} to enumerate (estimated)", states)


class Guard:
    """Watches an enumeration step by step and stops it (ExactTooLarge) once it cannot fit the budget."""

    #: The remaining work is projected once this share of the budget is done.
    PROJECT_AFTER = 0.05

    def __init__(self, budget: Budget, what: str, steps: int, cost: float = 1.0, estimate: float | None = None,
                 clock=time.perf_counter):
        self.budget = budget
        self.what = what  # e.g. "boin: 36 patients in cohorts of 1"
        self.steps = max(steps, 1)
        self.cost = cost
        self.estimate = estimate  # the estimate made before enumerating: a ceiling on the growth projection
        self.clock = clock
        self.start = clock()
        self.history: list[int] = []
        self.done = 0

    def check(self, states: int) -> None:
        """After a step: `states` live states remain."""
        self.history.append(states)
        self.done += states
        t = len(self.history)
        if states > self.budget.max_states:
            raise ExactTooLarge(f"{self.what}: more than {self.budget.max_states:,} states at once", states)
        projected = self.projected_total()
        # small work is never projected (early growth rates say little); beyond a share of the budget it is
        if self.done * self.cost > self.PROJECT_AFTER * self.budget.work and projected * self.cost > self.budget.work:
            how = "" if t >= self.steps else f", projected from the first {t} of {self.steps} steps"
            raise ExactTooLarge(f"{self.what}: {about(projected)} to enumerate{how}", projected)
        if self.clock() - self.start > VALVE * self.budget.seconds:
            raise ExactTooLarge(f"{self.what}: still enumerating after {VALVE * self.budget.seconds:g} s "
                                f"(step {t} of {self.steps}, {states:,} states)", projected)

    def projected_total(self) -> float:
        """States summed over all steps: those done, and the remaining ones grown at the recent polynomial rate
        (log-log slope of the last three steps; the slope falls as a trial goes on, so this overestimates)."""
        t = len(self.history)
        states = self.history[-1]
        back = self.history[t - 4] if t >= 4 else 0
        alpha = math.log(states / back) / math.log(t / (t - 3)) if back > 0 and states > back else 0.0
        alpha = min(alpha, 12.0)
        projected = self.done + sum(states * (u / t) ** alpha for u in range(t + 1, self.steps + 1))
        # trials end, so growth slows: where an estimate was made from the design, it bounds the projection
        return projected if self.estimate is None else max(min(projected, self.estimate), self.done)
