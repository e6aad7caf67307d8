"""Two arms sharing one stream of patients: the state of a batch of trials and its patient-by-patient step.

The state of each trial is one row of an integer matrix (so identical states can be merged for exact
enumeration). Patients arrive one by one; each is assigned to an arm with an open cohort; when a cohort
is full its outcomes are seen and the arm's own design decides. The arm design then applies its
cross-arm rules (staggered opening, ordering, the overall cap).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..designs.base import Decision, Design
from ..errors import DesignError
from .spec import ArmDesign

ACTIVE, HOLDING, STOPPED = 0, 1, 2


@dataclass(frozen=True)
class ArmLayout:
    """Where one arm's fields sit in a state row."""

    n: slice
    x: slice
    extra: slice
    cur: int
    dose: int    # dose of the cohort being filled (-1 when none)
    need: int    # patients still needed for that cohort
    pn: int      # patients so far in that cohort
    px: int      # DLTs so far in that cohort
    status: int  # ACTIVE, HOLDING (waiting for Arm A to clear the dose) or STOPPED
    sel: int     # selected dose once stopped (-1 for none)


class TwoArmProcess:
    """The patient-by-patient step of a two-arm trial, for a batch of state rows."""

    def __init__(self, designs: tuple[Design, Design], arm_design: ArmDesign):
        self.designs = designs
        self.ad = arm_design
        col = 0
        layouts = []
        for d in designs:
            K, E = d.n_doses, d.n_extra
            n, x, extra = slice(col, col + K), slice(col + K, col + 2 * K), slice(col + 2 * K, col + 2 * K + E)
            col += 2 * K + E
            layouts.append(ArmLayout(n, x, extra, *range(col, col + 7)))
            col += 7
        self.arm = tuple(layouts)
        self.total = col
        self.last = col + 1  # arm that received the last patient (-1 none), for alternation
        self.width = col + 2
        self.max_total = arm_design.max_total or sum(d.max_n for d in designs)

    # ---- state --------------------------------------------------------------------------
    def initial(self, batch: int) -> np.ndarray:
        """States before the first patient: each arm's first cohort is pending, Arm B possibly held."""
        Z = np.zeros((batch, self.width), dtype=np.int64)
        Z[:, self.last] = -1
        for j, (d, L) in enumerate(zip(self.designs, self.arm)):
            Z[:, L.extra] = d.initial_extra(batch)
            Z[:, L.cur] = -1
            Z[:, L.sel] = -1
            Z[:, L.dose] = -1
            self._decide(Z, np.arange(batch), j)
        self._enforce(Z)
        return Z

    def done(self, Z: np.ndarray) -> np.ndarray:
        """Rows whose trial has ended (both arms stopped)."""
        return (Z[:, self.arm[0].status] == STOPPED) & (Z[:, self.arm[1].status] == STOPPED)

    # ---- the step -----------------------------------------------------------------------
    def assign(self, Z: np.ndarray, eligible: np.ndarray, coin: np.ndarray) -> np.ndarray:
        """Which arm (0 or 1) the next patient joins, for live rows; eligible = accessible lesion for Arm B."""
        A, B = self.arm
        open_a = Z[:, A.status] == ACTIVE
        open_b = Z[:, B.status] == ACTIVE
        rule = self.ad.assignment
        if rule == "b_first":
            pick_b = eligible
        elif rule == "a_first":
            pick_b = np.zeros_like(eligible)
        elif rule == "alternate":
            pick_b = eligible & (Z[:, self.last] == 0)
        else:  # random
            pick_b = eligible & coin
        # With only Arm B open, the next patient enrolled is one with an accessible lesion.
        return np.where(open_a & open_b, pick_b, open_b).astype(np.int64)

    def dose_of(self, Z: np.ndarray, arm: np.ndarray) -> np.ndarray:
        """The dose the next patient gets in the arm assigned."""
        return np.where(arm == 0, Z[:, self.arm[0].dose], Z[:, self.arm[1].dose])

    def treat(self, Z: np.ndarray, arm: np.ndarray, dlt: np.ndarray, decide: bool = True) -> np.ndarray:
        """A new state matrix after one patient joins `arm` and has a DLT or not.

        decide=False (a trial with a clock): a full cohort waits for `decide_full`, once its outcomes are known.
        """
        Z = Z.copy()
        rows = np.arange(Z.shape[0])
        for j, L in enumerate(self.arm):
            r = rows[arm == j]
            if r.size == 0:
                continue
            Z[r, L.pn] += 1
            Z[r, L.px] += dlt[r]
            Z[r, L.need] -= 1
            Z[r, self.last] = j
            if decide:
                full = r[Z[r, L.need] == 0]
                self._fold_cohort(Z, full, j)
                self._decide(Z, full, j)
        Z[:, self.total] += 1
        self._enforce(Z)
        return Z

    def decide_full(self, Z: np.ndarray, rows: np.ndarray, j: int) -> None:
        """Arm j's full cohort in rows `rows` is folded in and its design decides, then the cross-arm rules apply
        (a trial with a clock, once the cohort's outcomes are known)."""
        self._fold_cohort(Z, rows, j)
        self._decide(Z, rows, j)
        self.enforce(Z, rows)

    def apply_decision(self, Z: np.ndarray, rows: np.ndarray, j: int, dec: Decision) -> None:
        """Arm j of rows `rows` takes a decision its design made elsewhere (a trial with a clock, from pending data:
        Design.decide_pending), then the cross-arm rules apply."""
        self._apply(Z, rows, j, dec)
        self.enforce(Z, rows)

    def enforce(self, Z: np.ndarray, rows: np.ndarray) -> None:
        """The cross-arm rules and the overall cap on rows `rows` (after their data changed: a clock's outcomes)."""
        sub = Z[rows]
        self._enforce(sub)
        Z[rows] = sub

    # ---- internals ----------------------------------------------------------------------
    def _fold_cohort(self, Z: np.ndarray, r: np.ndarray, j: int) -> None:
        """Add the (possibly partial) pending cohort of arm j to its counts."""
        L = self.arm[j]
        r = r[Z[r, L.pn] > 0]
        if r.size == 0:
            return
        d = Z[r, L.dose]
        K = self.designs[j].n_doses
        Z[r, L.n.start + d] += Z[r, L.pn]
        Z[r, L.x.start + d] += Z[r, L.px]
        Z[r, L.cur] = d
        Z[r, L.pn] = 0
        Z[r, L.px] = 0
        Z[r, L.need] = 0
        assert np.all(d < K)

    def _decide(self, Z: np.ndarray, r: np.ndarray, j: int) -> None:
        """Arm j's design decides for rows r whose cohort is complete."""
        if r.size == 0:
            return
        L, design = self.arm[j], self.designs[j]
        self._apply(Z, r, j, design.decide(Z[r, L.n], Z[r, L.x], Z[r, L.cur], Z[r, L.extra]))

    def _apply(self, Z: np.ndarray, r: np.ndarray, j: int, dec: Decision) -> None:
        """Arm j's decision for rows r: stop and select, or the next cohort's dose and size."""
        if r.size == 0:
            return
        L, design = self.arm[j], self.designs[j]
        n = Z[r, L.n]
        Z[r, L.extra] = dec.extra
        stop = dec.stop
        Z[r[stop], L.status] = STOPPED
        Z[r[stop], L.sel] = dec.selected[stop]
        go = r[~stop]
        room = design.max_n - n[~stop].sum(axis=1)
        size = np.minimum(dec.size[~stop], room)
        if np.any(size <= 0):
            raise DesignError(f"{design.method} neither stopped nor gave a cohort")
        Z[go, L.dose] = dec.dose[~stop]
        Z[go, L.need] = size

    def _stop_now(self, Z: np.ndarray, r: np.ndarray, j: int, cap: np.ndarray | None = None) -> None:
        """Stop arm j in rows r from outside: fold what it has seen, select, and cap the selection."""
        L, design = self.arm[j], self.designs[j]
        r = r[Z[r, L.status] != STOPPED]
        if r.size == 0:
            return
        self._fold_cohort(Z, r, j)
        sel = design.select_now(Z[r, L.n], Z[r, L.x], Z[r, L.extra])
        if cap is not None:
            c = cap[r] if cap.shape[0] == Z.shape[0] else cap
            sel = np.where(sel > c, c, sel)
        Z[r, L.status] = STOPPED
        Z[r, L.sel] = sel
        Z[r, L.dose] = -1

    def a_limits(self, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """From Arm A's state: its first eliminated dose (K if none) and its highest cleared dose (-1 if none)."""
        A, dA = self.arm[0], self.designs[0]
        n, x = Z[:, A.n], Z[:, A.x]
        K = dA.n_doses
        elim = dA.eliminated(n, x, Z[:, A.extra])
        first_elim = np.where(elim.any(axis=1), np.argmax(elim, axis=1), K)
        treated = n > 0
        max_treated = np.where(treated.any(axis=1), K - 1 - np.argmax(treated[:, ::-1], axis=1), -1)
        # a dose is cleared once Arm A has decided to go above it
        reached = np.maximum(max_treated, Z[:, A.dose])
        cleared = np.minimum(reached - 1, first_elim - 1)
        stopped = Z[:, A.status] == STOPPED
        cleared = np.where(stopped, np.maximum(cleared, Z[:, A.sel]), cleared)
        return first_elim, cleared

    def _enforce(self, Z: np.ndarray) -> None:
        """Apply the arm design's cross-arm rules and the overall cap to every row."""
        A, B = self.arm
        rows = np.arange(Z.shape[0])
        mode = self.ad.mode
        if mode in ("staggered", "ordered"):
            first_elim, cleared = self.a_limits(Z)
            a_stopped = Z[:, A.status] == STOPPED
            live_b = Z[:, B.status] != STOPPED
            dose_b = Z[:, B.dose]
            # Arm A found a dose at or below Arm B's next dose too toxic: Arm B stops below it.
            toxic = live_b & (dose_b >= first_elim)
            self._stop_now(Z, rows[toxic], 1, first_elim - 1)
            if mode == "staggered":
                ceiling = cleared - (self.ad.offset - 1)
                live_b = Z[:, B.status] != STOPPED
                blocked = live_b & (Z[:, B.dose] > ceiling)
                self._stop_now(Z, rows[blocked & a_stopped], 1, ceiling)
                Z[rows[blocked & ~a_stopped], B.status] = HOLDING
                Z[rows[live_b & ~blocked], B.status] = ACTIVE
        if self.ad.eligible_b == 0.0:  # Arm B can never be filled once Arm A is done
            self._stop_now(Z, rows[Z[:, A.status] == STOPPED], 1)
        capped = Z[:, self.total] >= self.max_total
        if capped.any():
            r = rows[capped]
            self._stop_now(Z, r, 0)
            cap = None
            if mode in ("staggered", "ordered"):
                first_elim, cleared = self.a_limits(Z)
                cap = first_elim - 1 if mode == "ordered" else np.minimum(first_elim - 1,
                                                                         cleared - (self.ad.offset - 1))
            self._stop_now(Z, r, 1, cap)

    def finish(self, Z: np.ndarray) -> np.ndarray:
        """Final selections (ordered: Arm B's never above Arm A's, none when Arm A has none)."""
        A, B = self.arm
        Z = Z.copy()
        if self.ad.mode == "ordered":
            sa, sb = Z[:, A.sel], Z[:, B.sel]
            Z[:, B.sel] = np.where(sa < 0, -1, np.minimum(sa, sb))
        return Z
