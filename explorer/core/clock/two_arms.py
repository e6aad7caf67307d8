"""Two arms sharing one arrival stream, in calendar time: the two-arm rules of arms/process.py with a clock.

Each arrival is a patient of the shared stream, with the untimed engine's draws (tolerance, Arm B eligibility,
assignment coin) plus the clock's (gap, resume, DLT time); fields TWO_ARM_FIELDS. An arm whose cohort is full
waits until every one of its patients' outcomes is known, then its design decides and the arm design's rules
(staggering in calendar time, ordering, the overall cap) apply at that moment. An arrival joins an arm open at
that moment (ACTIVE with room in its cohort; Arm B only if eligible), by the arm design's assignment rule among
the open arms; if none can take it, it waits for the first arm that can (`pending = "wait"`; patients are placed
in order of arrival) or is lost (`"lose"`: the first arrival after an arm reopens is enrolled). Once Arm A has
stopped, only patients eligible for Arm B are enrolled: the stream is thinned to them (exact for Poisson and
fixed accrual; for uniform gaps the first gap is drawn and later ones taken at their mean). With an instant
window this makes, patient for patient, the untimed two-arm engine's trials.

Designs that decide with pending outcomes (TITE designs, rolling six) are run one arm at a time for now.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arms.engine import outcomes
from ..arms.process import ACTIVE, HOLDING, STOPPED, TwoArmProcess
from ..designs.base import Capability
from ..engine.results import Outcomes
from ..errors import DesignError
from .draws import TWO_ARM_FIELDS, dlt_times, gaps, lost_between, next_arrival_after
from .engine import Patients, Trace
from .results import ClockResults
from .spec import TimeModel

TOLERANCE, ELIGIBLE, COIN, GAP, RESUME, DLT_TIME = (TWO_ARM_FIELDS.index(f) for f in TWO_ARM_FIELDS)


@dataclass(frozen=True)
class TwoArmClockResults:
    """End states of two-arm trials with a clock: the arms' end states (`results`) and the final state rows `Z`
    (before the arm design's finish), each arm's end states and time figures (`arms`), and the whole trial's time
    figures (`trial`, whose `trials` field is None)."""

    results: Outcomes
    Z: np.ndarray
    arms: tuple[ClockResults, ClockResults]
    trial: ClockResults


def _thinned_gap(time: TimeModel, q: float, u_gap: np.ndarray, u_resume: np.ndarray) -> np.ndarray:
    """The time to the next arrival eligible for Arm B (each eligible with probability q)."""
    if time.accrual == "poisson":
        return -np.log1p(-u_gap) / (q * time.rate)
    k = 1.0 if q >= 1 else 1.0 + np.floor(np.log1p(-u_resume) / np.log1p(-q))
    if time.accrual == "fixed":
        return k / time.rate
    return 2.0 * u_gap / time.rate + (k - 1.0) / time.rate


def simulate_two_arms_with_clock(process: TwoArmProcess, truths: tuple[np.ndarray, np.ndarray],
                                 times: tuple[TimeModel, TimeModel], draws: np.ndarray,
                                 trace: Trace | None = None) -> tuple[TwoArmClockResults, Patients, np.ndarray]:
    """Run every trial of `draws` (trials, 6, steps ≥ the overall cap) with the clock; `times` are the arms' time
    models (sharing accrual, rate, pending and duration). Returns the results, the per-patient arrays and each
    patient's arm (trials × steps, -1 where none)."""
    for d in process.designs:
        if Capability.NEEDS_TIME in d.capabilities:
            raise DesignError(f"{d.method} decides with pending outcomes; with two arms the clock runs designs that "
                              f"wait for complete data for now")
    base = times[0]
    T, F, steps = draws.shape
    S = process.max_total
    if F < len(TWO_ARM_FIELDS) or steps < S:
        raise ValueError(f"draws have shape {draws.shape}; the two-arm clock needs ({T}, 6, ≥ {S})")
    u, v, coin = draws[:, TOLERANCE], draws[:, ELIGIBLE], draws[:, COIN]
    gap, resume, vdlt = gaps(base, draws[:, GAP]), draws[:, RESUME], draws[:, DLT_TIME]
    q = process.ad.eligible_b
    lose = base.pending == "lose"
    W = np.array([t.dlt_window for t in times])
    A, B = process.arm
    arms = (A, B)
    Z = process.initial(T)
    pat = Patients.empty(T, S)
    arm_of = np.full((T, S), -1, dtype=np.int64)
    ready = np.zeros((2, T))       # when every enrolled patient of the arm has an outcome
    s_last = np.zeros((2, T))      # the arm's last start
    stop_t = np.full((2, T), np.nan)
    arr = np.zeros(T)
    s_any = np.zeros(T)            # the last start in either arm
    figs = {k: np.zeros((3, T)) for k in ("waited", "lost", "total_wait", "suspended", "decisions")}
    for j in range(2):  # the first cohort of each arm is decided at the start
        figs["decisions"][j] += Z[:, arms[j].status] != STOPPED

    def status(j: int, r: np.ndarray) -> np.ndarray:
        return Z[r, arms[j].status]

    def note_stops(r: np.ndarray, before: np.ndarray, t: np.ndarray) -> None:
        for j in range(2):
            now = (Z[r, arms[j].status] == STOPPED) & (before[j] != STOPPED)
            stop_t[j, r[now]] = t[now]
            figs["decisions"][j, r[now]] += 1
            if trace is not None:
                trace.decided(r[now], t[now], Z[r[now], arms[j].sel], np.zeros(now.sum(), dtype=np.int64), "stop",
                              j)

    def waiting(j: int, r: np.ndarray) -> np.ndarray:
        L = arms[j]
        return (Z[r, L.status] != STOPPED) & (Z[r, L.need] == 0) & (Z[r, L.pn] > 0)

    def apply_due(r: np.ndarray, t: np.ndarray) -> None:
        """Arms whose full cohort's outcomes are all known by t decide, earliest first."""
        for _ in range(2):
            wa, wb = waiting(0, r), waiting(1, r)
            ta = np.where(wa, ready[0, r], np.inf)
            tb = np.where(wb, ready[1, r], np.inf)
            j_first = np.where(ta <= tb, 0, 1)
            t_first = np.minimum(ta, tb)
            due = t_first <= t
            if not due.any():
                return
            for j in (0, 1):
                m = due & (j_first == j)
                if not m.any():
                    continue
                rr, when = r[m], t_first[m]
                before = np.array([Z[rr, a.status] for a in arms])
                process.decide_full(Z, rr, j)
                L = arms[j]
                going = Z[rr, L.status] != STOPPED
                g = rr[going]
                figs["suspended"][j, g] += when[going] - s_last[j, g]
                figs["decisions"][j, g] += 1
                if trace is not None:
                    trace.suspended(g, s_last[j, g], when[going], j)
                if trace is not None:
                    trace.decided(g, when[going], Z[g, L.dose], np.zeros(g.size, dtype=np.int64), "assign", j)
                note_stops(rr, before, when)

    for i in range(S + 1):
        rows = np.flatnonzero(~process.done(Z))
        if rows.size == 0:
            break
        if i == S:
            raise DesignError("two-arm trial did not end at the overall cap")
        thin = status(0, rows) == STOPPED
        c = arr[rows] + np.where(thin, _thinned_gap(base, max(q, 1e-12), draws[rows, GAP, i], resume[rows, i])
                                 if thin.any() else 0.0, gap[rows, i])
        elig = thin | (v[rows, i] < q)
        t = np.maximum(c, s_any[rows])  # patients are placed in order of arrival, with the arms as they are then
        todo = np.arange(rows.size)
        placed = np.full(rows.size, -1, dtype=np.int64)
        retries = 0
        while todo.size:
            r, tt = rows[todo], t[todo]
            apply_due(r, tt)
            over = process.done(Z[r])
            if over.any():
                todo = todo[~over]
                continue
            a_open = (status(0, r) == ACTIVE) & (Z[r, A.need] > 0)
            b_open = (status(1, r) == ACTIVE) & (Z[r, B.need] > 0)
            a_gone = status(0, r) == STOPPED
            el = elig[todo]
            # once Arm A has stopped, an arrival not eligible for Arm B is referred away: the next eligible one
            referred = a_gone & ~el
            if referred.any():
                k = todo[referred]
                t[k] = t[k] + _thinned_gap(base, max(q, 1e-12), draws[rows[k], GAP, i], resume[rows[k], i])
                elig[k] = True
                continue
            can = a_open | (b_open & el)
            if can.any():
                k = todo[can]
                Zv = Z[rows[k]].copy()
                Zv[~a_open[can], A.status] = HOLDING
                Zv[~(b_open & el)[can], B.status] = HOLDING
                placed[k] = process.assign(Zv, el[can], coin[rows[k], i] < 0.5)
            # the others wait for the first arm that could take them to decide
            k = todo[~can]
            rk = rows[k]
            ta = np.where(waiting(0, rk), ready[0, rk], np.inf)
            tb = np.where(waiting(1, rk) & elig[k], ready[1, rk], np.inf)
            nxt = np.minimum(ta, tb)
            if np.any(np.isinf(nxt)):
                raise DesignError("a patient could join no arm and no arm was waiting to decide")
            if lose:
                new = next_arrival_after(base, nxt, resume[rk, i])
                figs["lost"][2, rk] += lost_between(base, t[k], nxt, new)
                t[k] = new
                retries += 1
                # a fresh eligibility for the next arrival, from the resume draw's low-order digits
                fresh = np.modf(resume[rk, i] * 2.0 ** 26 + retries * 0.6180339887498949)[0]
                elig[k] = (status(0, rk) == STOPPED) | (fresh < q)
            else:
                t[k] = nxt
            todo = k
        # enrol the placed patients
        g = np.flatnonzero(placed >= 0)
        r, arm, te, ci = rows[g], placed[g], t[g], c[g]
        if lose:
            ci = te  # the patient enrolled is the arrival at te
        dose = process.dose_of(Z[r], arm)
        p = np.where(arm == 0, truths[0][np.minimum(dose, truths[0].size - 1)],
                     truths[1][np.minimum(dose, truths[1].size - 1)])
        tox = u[r, i] < p
        t_dlt = np.where(arm == 0, dlt_times(times[0], vdlt[r, i], p, W[0]), dlt_times(times[1], vdlt[r, i], p, W[1]))
        known = te + np.where(tox, t_dlt, W[arm])
        pat.arrival[r, i], pat.start[r, i], pat.dose[r, i], pat.dlt[r, i], pat.known[r, i] = ci, te, dose, tox, known
        arm_of[r, i] = arm
        pat.opened[r, i] = np.where(arm == 0, Z[r, A.pn], Z[r, B.pn]) == 0
        before = np.array([Z[r, a.status] for a in arms])
        # a full cohort waits for its outcomes; but where this patient reaches the overall cap, the arm's design
        # decides on it before the cap stops the trial (its outcomes, known later, are those drawn now)
        last = Z[r, process.total] + 1 >= S
        for m, decide in ((~last, False), (last, True)):
            if m.any():
                Z[r[m]] = process.treat(Z[r[m]], arm[m], tox[m], decide=decide)
        note_stops(r, before, te)
        ready[arm, r] = np.maximum(ready[arm, r], known)
        s_last[arm, r] = te
        s_any[r] = te
        waited = te > ci
        figs["waited"][arm, r] += waited
        figs["total_wait"][arm, r] += te - ci
        arr[r] = ci

    res = outcomes(process, Z, np.full(T, 1.0 / T), T)
    per_arm = []
    for j in range(2):
        enrolled = arm_of == j
        last_start = np.where(enrolled, pat.start, -np.inf).max(axis=1, initial=-np.inf)
        any_pt = enrolled.any(axis=1)
        t_stop = np.where(np.isnan(stop_t[j]), 0.0, stop_t[j])
        to_mtd = np.where(any_pt, np.maximum(t_stop, ready[j]), t_stop)
        acc = np.where(any_pt, last_start, 0.0)
        dur = _duration(base, to_mtd, acc, any_pt, W[j])
        per_arm.append(ClockResults(dur, to_mtd, acc, figs["waited"][j], figs["lost"][j], figs["total_wait"][j],
                                    figs["suspended"][j], figs["decisions"][j], np.zeros(T), trials=res.arms[j],
                                    time=times[j]))
    whole = ClockResults(
        np.maximum(per_arm[0].duration, per_arm[1].duration),
        np.maximum(per_arm[0].time_to_mtd, per_arm[1].time_to_mtd),
        np.maximum(per_arm[0].accrual_time, per_arm[1].accrual_time),
        figs["waited"][:2].sum(axis=0), figs["lost"][2], figs["total_wait"][:2].sum(axis=0),
        figs["suspended"][:2].sum(axis=0), figs["decisions"][:2].sum(axis=0), np.zeros(T), trials=None, time=base)
    return TwoArmClockResults(res, Z, (per_arm[0], per_arm[1]), whole), pat, arm_of


def _duration(time: TimeModel, to_mtd: np.ndarray, accrual: np.ndarray, any_pt: np.ndarray,
              window: float) -> np.ndarray:
    if time.duration == "window":
        return np.maximum(to_mtd, np.where(any_pt, accrual + window, 0.0))
    if time.duration == "decision":
        return to_mtd
    return accrual
