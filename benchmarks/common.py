"""What a benchmark case is, and how it is timed (medians of repeated runs, printed, never asserted)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Case:
    """One design under one scenario, given as a protocol object (see docs/contract.md)."""

    scenario: str
    protocol: dict[str, Any]
    #: The R reference's time for 10,000 trials in seconds, where one is recorded (shared/reference/README.md).
    r_seconds_10k: float | None = None
    exact: bool = True
    mc_trials: int = 10_000
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def median_time(fn: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    """Median wall time of fn() in seconds over `repeat` runs, after `warmup` untimed runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)
