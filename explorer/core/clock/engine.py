"""The clock engine: Monte Carlo of one-arm trials in calendar time, vectorised over trials, patient by patient.

Patients arrive one by one (`draws.gaps`). An arrival joins the current cohort if it has a free place; otherwise
the design decides, from the data known at that moment. Designs that need complete data decide once every enrolled
patient's outcome is known, so accrual is suspended until then; designs that use pending data
(`Capability.NEEDS_TIME`: `Design.decide_pending`) decide from what is known at the arrival, and may suspend
(`Capability.SUSPENDS`) until more outcomes come in. An arrival that finds accrual suspended waits
(`pending = "wait"`: it starts when the design can assign a dose) or is lost (`"lose"`: the next arrival after that
moment is enrolled).
A patient has a DLT at dose d iff their latent tolerance is below truth[d] (as in the untimed engine, so a design
that needs complete data makes exactly the untimed engine's decisions), at `draws.dlt_times` after the start;
otherwise the outcome is known at the end of the window. A trial ends when the design stops or max_n patients
are enrolled; the final decision is then made once every outcome is known.

The loop is over patients (at step i every live trial enrols its i-th patient or ends) and, inside a decision,
over outcome events; everything else is arrays over trials.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..designs.base import Capability, Decision, Design
from ..designs.pending import PendingState
from ..engine.results import TrialResults
from ..errors import DesignError
from .draws import ONE_ARM_FIELDS, dlt_times, gaps, lost_between, next_arrival_after
from .results import ClockResults
from .spec import TimeModel

TOLERANCE, GAP, RESUME, DLT_TIME = (ONE_ARM_FIELDS.index(f) for f in ("tolerance", "gap", "resume", "dlt_time"))


@dataclass
class Patients:
    """Per-patient arrays of a batch of trials (trials × most patients), in order of enrolment."""

    arrival: np.ndarray
    start: np.ndarray
    known: np.ndarray   # when the outcome is known: DLT time, or the end of the window (inf: not enrolled)
    dose: np.ndarray    # -1: not enrolled
    dlt: np.ndarray     # the eventual outcome
    opened: np.ndarray  # the first patient of a cohort (a dose decision was made for them)

    @classmethod
    def empty(cls, trials: int, steps: int) -> Patients:
        """No one enrolled yet."""
        return cls(np.full((trials, steps), np.nan), np.full((trials, steps), np.nan),
                   np.full((trials, steps), np.inf), np.full((trials, steps), -1, dtype=np.int64),
                   np.zeros((trials, steps), dtype=bool), np.zeros((trials, steps), dtype=bool))

    def state(self, design: Design, rows: np.ndarray, t: np.ndarray, m: int, n: np.ndarray, cur: np.ndarray,
              extra: np.ndarray, window: float, member: np.ndarray | None = None) -> PendingState:
        """What the design knows at times t (per row) about the first m patients of the given trials (`member`,
        trials × patients: only these patients, e.g. one arm's; the others are empty columns)."""
        K = design.n_doses
        start, known, dose, dlt = (a[rows, :m] for a in (self.start, self.known, self.dose, self.dlt))
        complete = known <= t[:, None]
        if member is not None:
            mem = member[rows, :m]
            dose, dlt, complete = np.where(mem, dose, -1), dlt & mem, complete | ~mem
        seen = dlt & complete
        done = ~dlt & complete & (dose >= 0)
        follow = np.where(seen, (known - start) / window, np.clip((t[:, None] - start) / window, 0.0, 1.0))
        follow = np.where(dose >= 0, follow, 0.0)
        flat = (np.arange(rows.size)[:, None] * K + np.maximum(dose, 0)).ravel()
        x = np.bincount(flat, weights=seen.ravel(), minlength=rows.size * K).reshape(rows.size, K)
        d = np.bincount(flat, weights=done.ravel(), minlength=rows.size * K).reshape(rows.size, K)
        return PendingState(design, n, x.astype(np.int64), cur, extra, done=d.astype(np.int64), dose=dose, dlt=seen,
                            complete=complete, follow=follow)

    def next_event(self, rows: np.ndarray, t: np.ndarray, m: int, member: np.ndarray | None = None) -> np.ndarray:
        """The first time after t at which an outcome becomes known (inf if none is pending; `member`: only these
        patients')."""
        kn = self.known[rows, :m]
        if member is not None:
            kn = np.where(member[rows, :m], kn, np.inf)
        return np.where(kn > t[:, None], kn, np.inf).min(axis=1, initial=np.inf)

    def last_event(self, rows: np.ndarray, t: np.ndarray, m: int) -> np.ndarray:
        """The last time at or before t at which an outcome became known (-inf if none)."""
        kn = self.known[rows, :m]
        return np.where(kn <= t[:, None], kn, -np.inf).max(axis=1, initial=-np.inf)


@dataclass
class Trace:
    """Decisions and suspensions of every trial of a batch, recorded as the engine runs (for timelines).

    decisions: (rows, times, doses, pending, kind[, arm]); suspensions: (rows, from, to[, arm]).
    """

    decisions: list[tuple] = field(default_factory=list)
    suspensions: list[tuple] = field(default_factory=list)

    def decided(self, rows: np.ndarray, t: np.ndarray, dose: np.ndarray, pending: np.ndarray, kind: str,
                arm: int | None = None) -> None:
        """Rows decided at times t: the dose given (or selected) and the outcomes pending."""
        if rows.size:
            rec = (rows.copy(), np.asarray(t, float).copy(), np.asarray(dose).copy(), np.asarray(pending).copy(),
                   kind)
            self.decisions.append(rec if arm is None else rec + (arm,))

    def suspended(self, rows: np.ndarray, t0: np.ndarray, t1: np.ndarray, arm: int | None = None) -> None:
        """Rows whose accrual was suspended from t0 to t1."""
        keep = t1 > t0
        if keep.any():
            rec = (rows[keep].copy(), t0[keep].copy(), t1[keep].copy())
            self.suspensions.append(rec if arm is None else rec + (arm,))


def _merge(parts: list[tuple[np.ndarray, Decision]], size: int, width: int) -> Decision:
    """One Decision for `size` rows from decisions on disjoint subsets (positions, decision)."""
    out = Decision(np.full(size, -1, dtype=np.int64), np.zeros(size, dtype=np.int64), np.zeros(size, dtype=bool),
                   np.full(size, -1, dtype=np.int64), np.zeros((size, width), dtype=np.int64))
    for pos, d in parts:
        out.dose[pos], out.size[pos], out.stop[pos], out.selected[pos], out.extra[pos] = (
            d.dose, d.size, d.stop, d.selected, d.extra)
    return out


def _pending_at(pat: Patients, rows: np.ndarray, t: np.ndarray, m: int) -> np.ndarray:
    """Outcomes of enrolled patients not yet known at t."""
    kn = pat.known[rows, :m]
    return ((kn > t[:, None]) & np.isfinite(kn)).sum(axis=1)


def simulate_with_clock(design: Design, truth: np.ndarray, time: TimeModel, draws: np.ndarray,
                        trace: Trace | None = None) -> tuple[ClockResults, Patients]:
    """Run every trial of `draws` (trials, F, steps; fields ONE_ARM_FIELDS) with the clock of `time`.

    Returns the end states with each trial's time figures, and the per-patient arrays (arrival, start, outcome
    time, dose, DLT) for timelines. Pass a Trace to record decisions and suspensions.
    """
    truth = np.asarray(truth, dtype=float)
    T, F, steps = draws.shape
    M, K, W = design.max_n, design.n_doses, time.dlt_window
    if F < len(ONE_ARM_FIELDS) or steps < M:
        raise ValueError(f"draws have shape {draws.shape}; the clock needs ({T}, {len(ONE_ARM_FIELDS)}, ≥ {M})")
    u, gap, resume, vdlt = draws[:, TOLERANCE], gaps(time, draws[:, GAP]), draws[:, RESUME], draws[:, DLT_TIME]
    lose = time.pending == "lose"
    pending_design = Capability.NEEDS_TIME in design.capabilities
    suspends = Capability.SUSPENDS in design.capabilities
    pat = Patients.empty(T, M)
    n = np.zeros((T, K), dtype=np.int64)
    x = np.zeros((T, K), dtype=np.int64)
    cur = np.full(T, -1, dtype=np.int64)
    extra = design.initial_extra(T)
    slots = np.zeros(T, dtype=np.int64)          # free places in the current cohort
    cdose = np.full(T, -1, dtype=np.int64)       # the current cohort's dose
    t_open = np.zeros(T)                         # when the current cohort was opened
    arr = np.zeros(T)                            # the last arrival
    s_last = np.zeros(T)                         # the last start
    l_max = np.zeros(T)                          # when every enrolled patient's outcome is known
    selected = np.full(T, -1, dtype=np.int64)
    t_stop = np.zeros(T)
    figs = {k: np.zeros(T) for k in ("waited", "lost", "total_wait", "suspended", "decisions", "pending_decisions")}
    live = np.ones(T, dtype=bool)

    def end(rows: np.ndarray, when: np.ndarray, sel: np.ndarray) -> None:
        live[rows] = False
        t_stop[rows] = when
        selected[rows] = sel
        figs["decisions"][rows] += 1
        if trace is not None:
            trace.decided(rows, when, sel, _pending_at(pat, rows, when, M), "stop")

    for i in range(M + 1):
        rows = np.flatnonzero(live)
        if rows.size == 0:
            break
        if i == M:  # max_n enrolled: the final decision once every outcome is known
            when = np.maximum(l_max[rows], s_last[rows])
            dec = design.decide(n[rows], x[rows], cur[rows], extra[rows])
            sel = np.where(dec.stop, dec.selected, design.select_now(n[rows], x[rows], dec.extra))
            end(rows, when, sel)
            break
        c = arr[rows] + gap[rows, i]
        t_e = np.maximum(c, t_open[rows])
        dose = cdose[rows].copy()
        fill = slots[rows] > 0
        ask = np.flatnonzero(~fill)
        go = np.ones(rows.size, dtype=bool)
        if ask.size:
            r = rows[ask]
            t0 = s_last[r] if i > 0 else np.zeros(r.size)
            if not pending_design:
                t_can = np.maximum(l_max[r], t0)
                dec = design.decide(n[r], x[r], cur[r], extra[r])
            elif suspends and i > 0:
                t_can, dec = when_assignable(design, pat, r, t0, i, n, cur, extra, W)
            else:
                t_can, dec = t0, None
            extra[r] = dec.extra if dec is not None else extra[r]
            stop_now = np.zeros(r.size, dtype=bool) if dec is None else dec.stop
            if stop_now.any():
                s = np.flatnonzero(stop_now)
                end(r[s], t_can[s], dec.selected[s])
                go[ask[s]] = False
            keep = np.flatnonzero(~stop_now)
            a, rk, tc = ask[keep], r[keep], t_can[keep]
            ca = c[a]
            if lose:
                late = ca < tc
                te = np.where(late, next_arrival_after(time, tc, resume[rk, i]), ca)
                figs["lost"][rk] += np.where(late, lost_between(time, ca, tc, te), 0.0)
                c[a] = te  # the patient enrolled is the arrival at te
            else:
                te = np.maximum(ca, tc)
            if pending_design:  # the decision from the data at the moment the patient starts
                te, dec_e, pause = _decide_at(design, pat, rk, te, i, n, cur, extra, W)
                extra[rk] = dec_e.extra
                figs["suspended"][rk] += pause
                stop_e = dec_e.stop
                if stop_e.any():
                    s = np.flatnonzero(stop_e)
                    when = np.maximum(tc[s], pat.last_event(rk[s], te[s], i))
                    end(rk[s], when, dec_e.selected[s])
                    go[a[s]] = False
                ok = np.flatnonzero(~stop_e)
                a, rk, tc, te = a[ok], rk[ok], tc[ok], te[ok]
                new_dose, new_size = dec_e.dose[ok], dec_e.size[ok]
                pend = _pending_at(pat, rk, te, i)
            else:
                new_dose, new_size = dec.dose[keep], dec.size[keep]
                pend = np.zeros(rk.size, dtype=np.int64)
            size = np.minimum(new_size, M - i)
            if np.any(size <= 0) or np.any(new_dose < 0) or np.any(new_dose >= K):
                raise DesignError(f"{design.method} neither stopped nor gave a valid dose and cohort "
                                  f"(doses {new_dose[:5]}, sizes {size[:5]})")
            if i > 0:
                figs["suspended"][rk] += tc - s_last[rk]
                if trace is not None:
                    trace.suspended(rk, s_last[rk], tc)
            figs["decisions"][rk] += 1
            figs["pending_decisions"][rk] += pend > 0
            if trace is not None:
                trace.decided(rk, te, new_dose, pend, "assign")
            dose[a] = new_dose
            slots[rk] = size
            cdose[rk] = new_dose
            t_open[rk] = tc
            t_e[a] = te
        # enrol patient i of every trial that goes on
        g = np.flatnonzero(go)
        r, te, d, ci = rows[g], t_e[g], dose[g], c[g]
        tox = u[r, i] < truth[d]
        pat.arrival[r, i] = ci
        pat.start[r, i] = te
        pat.dose[r, i] = d
        pat.dlt[r, i] = tox
        pat.opened[r, i] = ~fill[g]
        pat.known[r, i] = te + np.where(tox, dlt_times(time, vdlt[r, i], truth[d], W), W)
        n[r, d] += 1
        x[r, d] += tox
        cur[r] = d
        slots[r] -= 1
        waited = te > ci
        figs["waited"][r] += waited
        figs["total_wait"][r] += te - ci
        arr[r] = ci
        s_last[r] = te
        l_max[r] = np.maximum(l_max[r], pat.known[r, i])
    else:
        raise DesignError(f"{design.method} did not stop within {M} patients")

    # a trial that stopped with outcomes pending selects once they are known
    pending_at_stop = l_max > t_stop
    if pending_at_stop.any():
        p = np.flatnonzero(pending_at_stop)
        selected[p] = design.select_now(n[p], x[p], extra[p])
    time_to_mtd = np.maximum(t_stop, l_max)
    accrual = s_last
    if time.duration == "window":
        duration = np.maximum(time_to_mtd, np.where(n.sum(axis=1) > 0, s_last + W, 0.0))
    elif time.duration == "decision":
        duration = time_to_mtd
    else:
        duration = accrual
    res = TrialResults(np.full(T, 1.0 / T), selected, n, x, exact=False, trials=T, max_n=M)
    return ClockResults(duration, time_to_mtd, accrual.copy(), figs["waited"], figs["lost"], figs["total_wait"],
                        figs["suspended"], figs["decisions"], figs["pending_decisions"], trials=res, time=time), pat


def when_assignable(design: Design, pat: Patients, rows: np.ndarray, t: np.ndarray, m: int, n: np.ndarray,
                    cur: np.ndarray, extra: np.ndarray, window: float,
                    member: np.ndarray | None = None) -> tuple[np.ndarray, Decision]:
    """From times t, outcome by outcome, the first moment each trial's design does not suspend, and its decision
    then (assign or stop). `n`, `cur`, `extra` are the batch's (indexed by `rows`); `member` as in Patients.state."""
    t = t.copy()
    todo = np.arange(rows.size)
    parts = []
    for _ in range(m + 2):
        r = rows[todo]
        dec = design.decide_pending(pat.state(design, r, t[todo], m, n[r], cur[r], extra[r], window, member))
        sus = dec.suspend if dec.suspend is not None else np.zeros(r.size, dtype=bool)
        done = ~sus
        parts.append((todo[done], Decision(dec.dose[done], dec.size[done], dec.stop[done], dec.selected[done],
                                           dec.extra[done])))
        todo = todo[sus]
        if todo.size == 0:
            return t, _merge(parts, rows.size, extra.shape[1])
        t[todo] = pat.next_event(rows[todo], t[todo], m, member)
        if np.any(np.isinf(t[todo])):
            raise DesignError(f"{design.method} suspended accrual with no outcome pending")
    raise DesignError(f"{design.method} kept accrual suspended after every outcome was known")


def _decide_at(design: Design, pat: Patients, rows: np.ndarray, t: np.ndarray, m: int, n: np.ndarray,
               cur: np.ndarray, extra: np.ndarray, window: float) -> tuple[np.ndarray, Decision, np.ndarray]:
    """The decision at times t; where the design suspends there (a rule that can suspend again after it could
    assign), the patient waits for the next outcomes. Returns the times, the decisions and the extra waits."""
    t_new, dec = when_assignable(design, pat, rows, t, m, n, cur, extra, window)
    return t_new, dec, t_new - t
