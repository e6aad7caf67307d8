"""The random draws of a trial with a clock, and how uniforms become arrival gaps and DLT times.

The pipeline draws every uniform up front, one array (trials, F, steps) per chunk of trials; the clock's fields
come after the engine's own ones (one arm: the latent tolerance; two arms: tolerance, Arm B eligibility,
assignment coin). Per enrolled patient i:

- `gap`: the time from the previous arrival (from time 0 for the first patient) to patient i's arrival;
- `resume`: under `pending = "lose"`, where the first arrival after the trial is ready again falls;
- `dlt_time`: when patient i's DLT (if any) happens within the window.
"""

from __future__ import annotations

import numpy as np

from .spec import TimeModel

TIME_FIELDS = ("gap", "resume", "dlt_time")
ONE_ARM_FIELDS = ("tolerance",) + TIME_FIELDS
TWO_ARM_FIELDS = ("tolerance", "eligibility", "coin") + TIME_FIELDS


def clock_draws(rng: np.random.Generator, trials: int, steps: int, arms: int = 1) -> np.ndarray:
    """Uniforms (trials, F, steps) in the field order ONE_ARM_FIELDS or TWO_ARM_FIELDS, trial by trial (so draws
    made in chunks of trials equal one big draw)."""
    fields = ONE_ARM_FIELDS if arms == 1 else TWO_ARM_FIELDS
    return rng.random((trials, len(fields), steps))


def gaps(time: TimeModel, u: np.ndarray) -> np.ndarray:
    """Inter-arrival times from uniforms: fixed 1/rate, exponential with mean 1/rate, or uniform on (0, 2/rate)."""
    if time.accrual == "fixed":
        return np.full(u.shape, 1.0 / time.rate)
    if time.accrual == "poisson":
        return -np.log1p(-u) / time.rate
    return 2.0 * u / time.rate


def next_arrival_after(time: TimeModel, ready: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Under "lose": the first arrival at or after `ready`, for a trial whose last arrival came before it.

    fixed: the next point of the grid k/rate; poisson: ready + an exponential gap (memoryless, so exact);
    uniform: ready + the renewal process's equilibrium forward recurrence time (density (1 − t/b)·2/b on (0, b),
    b = 2/rate), which is exact once the wait covers a few gaps and an approximation for shorter ones.
    """
    r = time.rate
    if time.accrual == "fixed":
        return np.ceil(ready * r - 1e-9) / r
    if time.accrual == "poisson":
        return ready - np.log1p(-u) / r
    b = 2.0 / r
    return ready + b * (1.0 - np.sqrt(1.0 - u))


def lost_between(time: TimeModel, first: np.ndarray, ready: np.ndarray, enrolled: np.ndarray) -> np.ndarray:
    """Arrivals turned away from `first` (an arrival that found the trial unable to assign) until `enrolled`, the
    first arrival at or after `ready`: exact for fixed accrual; otherwise the conditional expectation
    1 + rate·(ready − first) (exact for Poisson accrual, the renewal-theory mean for uniform)."""
    if time.accrual == "fixed":
        return np.round((enrolled - first) * time.rate)
    return 1.0 + time.rate * (ready - first)


def dlt_times(time: TimeModel, u: np.ndarray, p: np.ndarray, window: float | np.ndarray) -> np.ndarray:
    """Time from start to a DLT, given that it happens within the window (so in (0, W]).

    uniform: u·W. weibull: the Weibull with P(T ≤ W) = p (the dose's DLT probability) and a share `late_onset` of
    the DLTs in the second half of the window, conditioned on T ≤ W (bfboin's calibration for late_onset = 0.5,
    TITEgBOIN's α1 with α2 = 1/2 in general).
    """
    if time.time_to_dlt == "uniform":
        return u * window
    p = np.clip(p, 1e-12, 1 - 1e-12)
    k, scale = weibull_shape_scale(p, time.late_onset, window)
    return scale * (-np.log1p(-u * p)) ** (1.0 / k)


def weibull_shape_scale(p: np.ndarray, late_onset: float, window: float | np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Weibull shape k and scale λ with P(T ≤ W) = p and P(T ≤ W/2) = (1 − late_onset)·p."""
    a = -np.log1p(-p)
    b = -np.log1p(-(1.0 - late_onset) * p)
    k = (np.log(a) - np.log(b)) / np.log(2.0)
    return k, window * a ** (-1.0 / k)
