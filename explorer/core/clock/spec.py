"""The protocol's "time" object: options declared once for the validator, CLI and app, and its parser.

Times are in one unit throughout (the optional `time_unit` label): `rate` is patients per unit, `dlt_window` is
in units. Two arms share one arrival stream (`accrual`, `rate`, `pending`, `duration`); an arm may carry its own
`dlt_window`, `time_to_dlt` and `late_onset` (e.g. a local injection assessed over a shorter window).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..designs.base import Option
from ..errors import Problem

ACCRUALS = ("fixed", "poisson", "uniform")
TIME_TO_DLT = ("uniform", "weibull")
PENDING = ("wait", "lose")
DURATIONS = ("window", "decision", "accrual")
TIME_UNITS = ("days", "weeks", "months", "years", "units")

TIME_OPTIONS = (
    Option("accrual", "choice", "poisson",
           "inter-arrival times: fixed (1/rate), poisson (exponential, mean 1/rate) or uniform (on 0 to 2/rate)",
           choices=ACCRUALS, label="Arrivals",
           choice_labels=("at a steady pace", "at random (Poisson)", "irregular (uniform gaps)")),
    Option("rate", "float", 1.0, "patients arriving per time unit", low=1e-6, high=1e6, label="Patients per unit"),
    Option("dlt_window", "float", 1.0, "the DLT assessment window, in time units", low=1e-9, high=1e6,
           label="DLT window"),
    Option("time_to_dlt", "choice", "uniform",
           "when a DLT happens within the window: uniform (dfcrm) or weibull with late_onset of the DLTs in its "
           "second half (BF-BOIN, TITEgBOIN)", choices=TIME_TO_DLT, label="When DLTs happen",
           choice_labels=("evenly over the window", "early or late (Weibull)")),
    Option("late_onset", "float", 0.5, "weibull: the share of DLTs that occur in the second half of the window",
           low=0.01, high=0.99, label="Share of DLTs late"),
    Option("pending", "choice", "wait",
           "an arrival while the design cannot assign a dose: wait (queues until it can) or lose (referred away, "
           "not counted)", choices=PENDING, label="No dose open: a new patient",
           choice_labels=("waits for a place", "is referred away")),
    Option("duration", "choice", "window",
           "trial duration ends at: window (the last patient's full DLT window, as dfcrm and TITEgBOIN), decision "
           "(the final decision, once every outcome is known) or accrual (the last patient's start)",
           choices=DURATIONS, label="The trial ends at",
           choice_labels=("the last patient's window", "the final decision", "the last patient's start")),
    Option("time_unit", "choice", "units", "the label of the time unit in every output", choices=TIME_UNITS,
           label="Time unit"),
)

#: The options an arm may set for itself (the rest belong to the shared arrival stream).
ARM_TIME_KEYS = ("dlt_window", "time_to_dlt", "late_onset")


@dataclass(frozen=True)
class TimeModel:
    """Accrual, DLT window and timing, pending policy and duration definition of a trial with a clock."""

    accrual: str = "poisson"
    rate: float = 1.0
    dlt_window: float = 1.0
    time_to_dlt: str = "uniform"
    late_onset: float = 0.5
    pending: str = "wait"
    duration: str = "window"
    time_unit: str = "units"

    @property
    def mean_gap(self) -> float:
        """Mean time between arrivals."""
        return 1.0 / self.rate

    def with_arm(self, changes: dict[str, Any]) -> TimeModel:
        """This model with an arm's own window settings."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        """As written in a protocol file."""
        return {o.name: getattr(self, o.name) for o in TIME_OPTIONS}


def arm_time_changes(base: TimeModel, arm: TimeModel) -> dict[str, Any]:
    """An arm's own "time" object: its window settings that differ from the trial's."""
    return {k: getattr(arm, k) for k in ARM_TIME_KEYS if getattr(arm, k) != getattr(base, k)}


def _parse_keys(raw: Any, allowed: tuple[str, ...], problems: list[Problem], where: str) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.append(Problem(where, f"{raw!r} is not an object; give e.g. "
                                       f'{{"accrual": "poisson", "rate": 1, "dlt_window": 1, "time_unit": "months"}}.'))
        return None
    known = {o.name: o for o in TIME_OPTIONS if o.name in allowed}
    values: dict[str, Any] = {}
    bad = False
    for k, v in raw.items():
        if k not in known:
            problems.append(Problem(f"{where}.{k}", f'"{k}" is not a time option here; valid: {", ".join(known)}.'))
            bad = True
            continue
        value, p = known[k].check(v, f"{where}.{k}")
        problems += p
        bad |= bool(p)
        values[k] = value
    return None if bad else values


def parse_time(raw: Any, problems: list[Problem], where: str = "time") -> TimeModel | None:
    """Validate a "time" object against the declared options; None (with problems appended) if it is invalid."""
    values = _parse_keys(raw, tuple(o.name for o in TIME_OPTIONS), problems, where)
    return None if values is None else TimeModel(**values)


def parse_arm_time(raw: Any, base: TimeModel, problems: list[Problem], where: str) -> TimeModel | None:
    """An arm's own "time" object: only its window settings may differ from the trial's `base`."""
    values = _parse_keys(raw, ARM_TIME_KEYS, problems, where)
    return None if values is None else base.with_arm(values)
