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

An arm whose design decides with pending outcomes (`Capability.NEEDS_TIME`: TITE designs, rolling six) counts
each patient as treated at once and its DLTs as they are observed. It decides at the arrival of a patient who may
join it (everyone for Arm A, eligible patients for Arm B), from its own patients' data at that moment
(`Design.decide_pending`); a decision no patient has used yet is made again at the next such arrival (so, as in
titesim, a dose is chosen with the data at the arrival of the patient who gets it). Where it suspends
(`Capability.SUSPENDS`), it is closed until, outcome by outcome, it can assign again. The cross-arm rules
(staggering, ordering, the overall cap) are applied at every arrival and decision to the outcomes observed by then.
An arm that stops with outcomes pending selects, once they are known, by its design's `select_now`, within the
arm design's limits as they stand at the end (ordered and staggered: Arm B not above what Arm A allows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arms.engine import outcomes
from ..arms.process import ACTIVE, HOLDING, STOPPED, TwoArmProcess
from ..designs.base import Capability, Decision
from ..engine.results import Outcomes
from ..errors import DesignError
from .draws import TWO_ARM_FIELDS, dlt_times, gaps, lost_between, next_arrival_after
from .engine import Patients, Trace, when_assignable
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
    figs = {k: np.zeros((3, T)) for k in ("waited", "lost", "total_wait", "suspended", "decisions",
                                          "pending_decisions")}
    designs = process.designs
    pending_arms = [j for j in range(2) if Capability.NEEDS_TIME in designs[j].capabilities]
    for j in range(2):  # the first cohort of each arm is decided at the start (a pending-outcome arm's: when used)
        if j not in pending_arms:
            figs["decisions"][j] += Z[:, arms[j].status] != STOPPED
    x_stop = [np.zeros_like(Z[:, L.x]) for L in arms]  # DLTs observed when the arm stopped
    own_stop = np.zeros((2, T), dtype=bool)  # the arm's own design stopped it (not a cross-arm rule)
    final = np.zeros((2, T), dtype=bool)  # a pending-outcome arm at its max_n: decides once every outcome is known
    cap_t = np.full(T, np.nan)  # when the overall cap was reached
    open_at = np.zeros((2, T))     # a pending-outcome arm: when it can assign again (after a suspension)
    unused = np.ones((2, T), dtype=bool)  # the arm's last decision has had no patient yet
    decided_at = np.zeros((2, T))
    saved_extra = [Z[:, L.extra].copy() for L in arms]  # the arm's memory before its last decision

    def status(j: int, r: np.ndarray) -> np.ndarray:
        return Z[r, arms[j].status]

    def note_stops(r: np.ndarray, before: np.ndarray, t: np.ndarray) -> None:
        for j in range(2):
            now = (Z[r, arms[j].status] == STOPPED) & (before[j] != STOPPED)
            stop_t[j, r[now]] = t[now]
            x_stop[j][r[now]] = Z[r[now], arms[j].x]
            figs["decisions"][j, r[now]] += 1
            if trace is not None:
                trace.decided(r[now], t[now], Z[r[now], arms[j].sel], np.zeros(now.sum(), dtype=np.int64), "stop",
                              j)

    def waiting(j: int, r: np.ndarray) -> np.ndarray:
        L = arms[j]
        return (Z[r, L.status] != STOPPED) & (Z[r, L.need] == 0) & (Z[r, L.pn] > 0)

    def member(j: int) -> np.ndarray:
        return arm_of == j

    def observe(r: np.ndarray, t: np.ndarray, m: int) -> None:
        """Pending-outcome arms of rows r count the DLTs observed by times t; the cross-arm rules follow."""
        before = np.array([Z[r, a.status] for a in arms])
        for j in pending_arms:
            K = designs[j].n_doses
            seen = (arm_of[r, :m] == j) & pat.dlt[r, :m] & (pat.known[r, :m] <= t[:, None])
            flat = (np.arange(r.size)[:, None] * K + np.maximum(pat.dose[r, :m], 0)).ravel()
            Z[r, arms[j].x] = np.bincount(flat, weights=seen.ravel(), minlength=r.size * K).reshape(r.size, K)
        process.enforce(Z, r)
        note_stops(r, before, t)

    def pending_at(j: int, r: np.ndarray, t: np.ndarray, m: int) -> np.ndarray:
        kn = pat.known[r, :m]
        return ((arm_of[r, :m] == j) & (kn > t[:, None])).sum(axis=1)

    def decide_arm(j: int, r: np.ndarray, t: np.ndarray, m: int) -> None:
        """Pending-outcome arm j of rows r decides at times t; where it suspends, it is closed until it can assign
        (open_at), and accrual to it counts as suspended until then."""
        L, d = arms[j], designs[j]
        Z[r, L.extra] = np.where(unused[j, r][:, None], saved_extra[j][r], Z[r, L.extra])  # a decision made again
        saved_extra[j][r] = Z[r, L.extra]
        n, cur, extra = Z[:, L.n], Z[:, L.cur], Z[:, L.extra]
        dec = d.decide_pending(pat.state(d, r, t, m, n[r], cur[r], extra[r], W[j], member(j)))
        sus = dec.suspend if dec.suspend is not None else np.zeros(r.size, dtype=bool)
        if sus.any():
            s_r, s_t = r[sus], t[sus]
            t_can, dec_s = when_assignable(d, pat, s_r, s_t, m, n, cur, extra, W[j], member(j))
            open_at[j, s_r] = t_can
            Z[s_r, L.need] = 0  # closed (a decision no patient used is withdrawn)
            unused[j, s_r] = False
            figs["suspended"][j, s_r] += t_can - s_t
            if trace is not None:
                trace.suspended(s_r, s_t, t_can, j)
            keep = np.flatnonzero(~sus)
            dec = Decision(dec.dose[keep], dec.size[keep], dec.stop[keep], dec.selected[keep], dec.extra[keep])
            r, t = r[keep], t[keep]
        before = np.array([Z[r, a.status] for a in arms])
        process.apply_decision(Z, r, j, dec)
        own_stop[j, r[dec.stop]] = True
        note_stops(r, before, t)
        go = Z[r, L.status] != STOPPED
        if trace is not None and go.any():  # every decision made, also those made again at a later arrival
            trace.decided(r[go], t[go], Z[r[go], L.dose], pending_at(j, r[go], t[go], m), "assign", j)
        unused[j, r] = True
        decided_at[j, r] = t

    def decide_due(r: np.ndarray, t: np.ndarray, eligible: np.ndarray, m: int) -> None:
        """At an arrival: pending-outcome arms the patient may join decide, if they need to (their cohort is full,
        or their decision has had no patient yet) and can (not suspended)."""
        for j in pending_arms:
            L = arms[j]
            live = (Z[r, L.status] != STOPPED) & (open_at[j, r] <= t)
            due = (live & ~final[j, r] & ((Z[r, L.need] == 0) | (unused[j, r] & (decided_at[j, r] < t)))
                   & (eligible if j == 1 else True))
            if due.any():
                decide_arm(j, r[due], t[due], m)
            last = live & final[j, r]  # at max_n: the final decision when every outcome is known
            if last.any():
                decide_arm(j, r[last], open_at[j, r[last]], m)

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
            if pending_arms:
                observe(r, tt, i)
                decide_due(r, tt, elig[todo], i)
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
                c[k] = t[k]  # the patient enrolled is that eligible arrival
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
            for j in pending_arms:  # closed: suspended until open_at
                closed = (Z[rk, arms[j].status] != STOPPED) & (Z[rk, arms[j].need] == 0) & (open_at[j, rk] > t[k])
                if j == 0:
                    ta = np.where(closed, open_at[0, rk], ta)
                else:
                    tb = np.where(closed & (elig[k] | final[1, rk]), open_at[1, rk], tb)
            nxt = np.minimum(ta, tb)
            if np.any(np.isinf(nxt)):
                raise DesignError("a patient could join no arm and no arm was waiting to decide")
            if lose:
                new = next_arrival_after(base, nxt, resume[rk, i])
                figs["lost"][2, rk] += lost_between(base, t[k], nxt, new)
                t[k] = new
                retries += 1
                # a unused eligibility for the next arrival, from the resume draw's low-order digits
                reroll = np.modf(resume[rk, i] * 2.0 ** 26 + retries * 0.6180339887498949)[0]
                elig[k] = (status(0, rk) == STOPPED) | (reroll < q)
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
        is_pend = np.isin(arm, pending_arms)
        pat.opened[r, i] = np.where(is_pend, unused[arm, r], np.where(arm == 0, Z[r, A.pn], Z[r, B.pn]) == 0)
        for j in pending_arms:  # the decision used: count it (and whether outcomes were pending)
            used = (arm == j) & unused[j, r]
            if used.any():
                ru, tu = r[used], decided_at[j, r[used]]
                pend = pending_at(j, ru, tu, i)
                figs["decisions"][j, ru] += 1
                figs["pending_decisions"][j, ru] += pend > 0
            unused[j, r[arm == j]] = False
        before = np.array([Z[r, a.status] for a in arms])
        # a full cohort waits for its outcomes; but where this patient reaches the overall cap, the arm's design
        # decides on it before the cap stops the trial (its outcomes, known later, are those drawn now). A
        # pending-outcome arm counts the patient as treated at once, its DLT once observed
        last = (Z[r, process.total] + 1 >= S) & ~is_pend
        for m, decide in ((~last, False), (last, True)):
            if m.any():
                Z[r[m]] = process.treat(Z[r[m]], arm[m], tox[m] & ~is_pend[m], decide=decide)
        for j in pending_arms:
            L = arms[j]
            rj, dj = r[arm == j], dose[arm == j]
            moved = Z[rj, L.pn] > 0  # not folded already by a stop
            Z[rj[moved], L.n.start + dj[moved]] += 1
            Z[rj[moved], L.cur] = dj[moved]
            Z[rj, L.pn] = 0
            Z[rj, L.px] = 0
            # a full cohort: no dose until the arm decides again (the cross-arm rules judge the next dose)
            Z[rj[Z[rj, L.need] == 0], L.dose] = -1
        note_stops(r, before, te)
        cap_t[r[Z[r, process.total] >= S]] = te[Z[r, process.total] >= S]
        for j in pending_arms:
            L = arms[j]
            rj = r[arm == j]
            full = rj[(Z[rj, L.status] != STOPPED) & (Z[rj, L.need] == 0)]
            if full.size:  # the cohort is full: its max_n reached stops it now; a suspension closes it
                n_j = Z[full, L.n].sum(axis=1)
                capped = full[n_j >= designs[j].max_n]
                if capped.size:  # closed; its final decision once every outcome is known (as one arm's clock)
                    ready[j, capped] = np.maximum(ready[j, capped], pat.known[capped, i])
                    open_at[j, capped] = ready[j, capped]
                    final[j, capped] = True
                rest = full[n_j < designs[j].max_n]
                if rest.size and Capability.SUSPENDS in designs[j].capabilities:
                    ts = pat.start[rest, i]
                    t_can, _ = when_assignable(designs[j], pat, rest, ts, i + 1, Z[:, L.n], Z[:, L.cur],
                                               Z[:, L.extra], W[j], member(j))
                    open_at[j, rest] = t_can
                    figs["suspended"][j, rest] += t_can - ts
                    if trace is not None:
                        trace.suspended(rest, ts, t_can, j)
        ready[arm, r] = np.maximum(ready[arm, r], known)
        s_last[arm, r] = te
        s_any[r] = te
        waited = te > ci
        figs["waited"][arm, r] += waited
        figs["total_wait"][arm, r] += te - ci
        arr[r] = ci

    for j in pending_arms:
        _select_once_known(process, Z, j, pat, arm_of, x_stop[j], stop_t[j] < ready[j], own_stop[j])
    if pending_arms:
        _cap_once_known(process, Z, np.flatnonzero(~np.isnan(cap_t)), [stop_t[j] == cap_t for j in range(2)])
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
                                    figs["suspended"][j], figs["decisions"][j], figs["pending_decisions"][j],
                                    trials=res.arms[j], time=times[j]))
    whole = ClockResults(
        np.maximum(per_arm[0].duration, per_arm[1].duration),
        np.maximum(per_arm[0].time_to_mtd, per_arm[1].time_to_mtd),
        np.maximum(per_arm[0].accrual_time, per_arm[1].accrual_time),
        figs["waited"][:2].sum(axis=0), figs["lost"][2], figs["total_wait"][:2].sum(axis=0),
        figs["suspended"][:2].sum(axis=0), figs["decisions"][:2].sum(axis=0),
        figs["pending_decisions"][:2].sum(axis=0), trials=None, time=base)
    return TwoArmClockResults(res, Z, (per_arm[0], per_arm[1]), whole), pat, arm_of


def _select_once_known(process: TwoArmProcess, Z: np.ndarray, j: int, pat: Patients, arm_of: np.ndarray,
                       x_stop: np.ndarray, pending: np.ndarray, own: np.ndarray) -> None:
    """A pending-outcome arm at the end: every DLT counted and, where it stopped with outcomes pending, its design's
    selection from the complete data (`select_now`, as the one-arm clock). Where a cross-arm rule stopped it and
    capped its selection (the arm design's `select_now` then min with the cap), the cap stays."""
    L, d = process.arm[j], process.designs[j]
    T, K = Z.shape[0], d.n_doses
    flat = (np.arange(T)[:, None] * K + np.maximum(pat.dose, 0)).ravel()
    Z[:, L.x] = np.bincount(flat, weights=((arm_of == j) & pat.dlt).ravel(), minlength=T * K).reshape(T, K)
    r = np.flatnonzero(pending)
    if r.size == 0:
        return
    n, extra, was = Z[r, L.n], Z[r, L.extra], Z[r, L.sel]
    sel = d.select_now(n, Z[r, L.x], extra)
    capped = ~own[r] & (was < d.select_now(n, x_stop[r], extra))
    Z[r, L.sel] = np.where(capped, np.minimum(sel, was), sel)


def _cap_once_known(process: TwoArmProcess, Z: np.ndarray, rows: np.ndarray, at_cap: list[np.ndarray]) -> None:
    """Trials the overall cap ended, with a pending-outcome arm: the arms it stopped select as the cap's rule does
    (TwoArmProcess), from the complete data (Arm B within what Arm A allows by then)."""
    if rows.size == 0:
        return
    A, B = process.arm
    for j, L in enumerate(process.arm):
        r = rows[at_cap[j][rows]]
        if r.size == 0:
            continue
        sel = process.designs[j].select_now(Z[r, L.n], Z[r, L.x], Z[r, L.extra])
        if j == 1 and process.ad.mode in ("staggered", "ordered"):
            first_elim, cleared = process.a_limits(Z[r])
            cap = first_elim - 1
            if process.ad.mode == "staggered":
                cap = np.minimum(cap, cleared - (process.ad.offset - 1))
            sel = np.where(sel > cap, cap, sel)
        Z[r, L.sel] = sel


def _duration(time: TimeModel, to_mtd: np.ndarray, accrual: np.ndarray, any_pt: np.ndarray,
              window: float) -> np.ndarray:
    if time.duration == "window":
        return np.maximum(to_mtd, np.where(any_pt, accrual + window, 0.0))
    if time.duration == "decision":
        return to_mtd
    return accrual
