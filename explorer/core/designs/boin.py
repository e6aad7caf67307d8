"""BOIN, the Bayesian optimal interval design (Liu & Yuan 2015), as the BOIN R package's `get.oc` runs it."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import Problem
from .base import BOOL, FLOAT, INT, SAMPLE_SIZE_OPTIONS, CountState, Option, Proposal
from .interval import (
    DEESCALATE,
    ESCALATE,
    STAY,
    IntervalDesign,
    count_grid,
    elimination_table,
    overdose_probability,
)


def boin_boundaries(target: float, p_saf: float, p_tox: float) -> tuple[float, float]:
    """BOIN's escalation and de-escalation boundaries (λe, λd) on the observed DLT rate."""
    lam_e = math.log((1 - p_saf) / (1 - target)) / math.log(target * (1 - p_saf) / (p_saf * (1 - target)))
    lam_d = math.log((1 - target) / (1 - p_tox)) / math.log(p_tox * (1 - target) / (target * (1 - p_tox)))
    return lam_e, lam_d


class BOIN(IntervalDesign):
    """BOIN: escalate if x/n ≤ λe, de-escalate if x/n ≥ λd, else stay; Beta(1, 1) elimination; isotonic MTD.

    As in `get.oc` (BOIN 2.7.2): with the boundaries of `get.boundary` (x ≤ floor(λe·n) escalate,
    x ≥ ceiling(λd·n) de-escalate), a dose with ≥ 3 patients and P(p > target | x, n) > cutoff_eli is eliminated
    with all higher doses (the lowest one: stop, no selection); with extrasafe, stop when P(p1 > target) >
    cutoff_eli − offset at the lowest dose; stop once n_earlystop patients are at the current dose and the
    decision is to stay there.
    """

    method = "boin"
    title = "BOIN (Liu & Yuan 2015)"
    summary = "Bayesian optimal interval design: fixed escalation/de-escalation boundaries, as BOIN's get.oc."
    rules = ("titration = true: as get.oc's accelerated titration (one patient per dose until the first DLT or the "
             "top dose, then cohort_size − 1 more there, then BOIN), but starting from start_dose, which get.oc "
             "ignores under titration; with a clock each titration patient waits for the previous one's outcome.")
    options = SAMPLE_SIZE_OPTIONS + (
        Option("n_earlystop", INT, 100, "stop once this many patients are at the current dose and the "
               "decision is to stay", low=1, high=1000, label="Stop with this many at a dose"),
        Option("p_saf", FLOAT, None, "highest DLT rate thought sub-therapeutic (sets λe)", low=0.0, high=1.0,
               default_from_target=lambda t: round(0.6 * t, 12), default_text="0.6 × target",
               label="Sub-therapeutic DLT rate"),
        Option("p_tox", FLOAT, None, "lowest DLT rate thought overly toxic (sets λd)", low=0.0, high=1.0,
               default_from_target=lambda t: round(1.4 * t, 12), default_text="1.4 × target",
               label="Overly toxic DLT rate"),
        Option("cutoff_eli", FLOAT, 0.95, "eliminate a dose (and all above) when P(DLT rate > target) exceeds "
               "this, with at least 3 patients", low=0.5, high=1.0, label="Elimination cut-off"),
        Option("extrasafe", BOOL, False, "stop with no selection when P(DLT rate at the lowest dose > target) "
               "exceeds the elimination cut-off minus the offset", label="Extra safety stop"),
        Option("offset", FLOAT, 0.05, "how much stricter the extra safety stop is than elimination",
               low=0.0, high=0.5, label="Extra safety offset"),
        Option("titration", BOOL, False, "accelerated titration (BOIN's titration): one patient per dose from "
               "the start dose until the first DLT (or the top dose), then cohort_size − 1 more there and BOIN",
               label="Accelerated titration"),
    )

    @classmethod
    def cross_check(cls, opts: dict[str, Any], n_doses: int, target: float, where: str) -> list[Problem]:
        """p_saf < target < p_tox, as BOIN requires."""
        problems = super().cross_check(opts, n_doses, target, where)
        # as get.boundary: neither may be within 10% of the target
        if not 0 < opts["p_saf"] <= 0.9 * target + 1e-12:
            problems.append(Problem(f"{where}.p_saf", f"p_saf = {opts['p_saf']} must be above 0 and at most "
                                    f"0.9 × target = {0.9 * target:g} (BOIN's default is 0.6 × target)."))
        if not 1.1 * target - 1e-12 <= opts["p_tox"] < 1:
            problems.append(Problem(f"{where}.p_tox", f"p_tox = {opts['p_tox']} must be at least 1.1 × target = "
                                    f"{1.1 * target:g} and below 1 (BOIN's default is 1.4 × target)."))
        if opts.get("titration") and opts["cohort_size"] < 2:
            problems.append(Problem(f"{where}.titration", "titration treats one patient per dose and then completes "
                                    "a cohort; it needs cohort_size of at least 2 (BOIN disables it for cohorts "
                                    "of 1)."))
        return problems

    def setup(self) -> None:
        """Boundaries first; the tables are built from them."""
        self.lam_e, self.lam_d = boin_boundaries(self.target, self.opts["p_saf"], self.opts["p_tox"])
        super().setup()

    def build_tables(self, max_n: int) -> tuple[np.ndarray, np.ndarray]:
        """get.boundary's integer boundaries, and its elimination table."""
        n, x, ok = count_grid(max_n)
        elim = elimination_table(self.target, self.cutoff(), max_n)
        b_e = np.floor(self.lam_e * n)
        # get.boundary: de-escalate strictly above λd·n when it is a whole number, and never above elimination
        ld = self.lam_d * n
        b_d = np.where(np.abs(np.round(ld) - ld) < 1e-12, np.round(ld) + 1, np.ceil(ld))
        first_elim = np.where(elim.any(axis=1), np.argmax(elim, axis=1), max_n + 1)[:, None]
        b_d = np.minimum(b_d, first_elim)
        action = np.where(x <= b_e, ESCALATE, np.where(x >= b_d, DEESCALATE, STAY))
        return np.where(ok, action, STAY).astype(np.int8), elim

    def lowest_dose_stop_table(self, max_n: int) -> np.ndarray | None:
        """extrasafe: P(p1 > target) > cutoff_eli − offset, checked (as get.oc does) only where the elimination
        table has a boundary for this n."""
        if not self.opts["extrasafe"]:
            return None
        n, x, ok = count_grid(max_n)
        with np.errstate(invalid="ignore"):
            p = overdose_probability(self.target, n, np.minimum(x, n))
        has_boundary = self.elim.any(axis=1)[:, None]
        return ok & has_boundary & (p > self.cutoff() - self.opts["offset"])

    def table_rows(self) -> list[int]:
        """As get.boundary prints it: multiples of the cohort size up to min(max_n, n_earlystop)."""
        return [n for n in super().table_rows() if n <= self.opts["n_earlystop"]]

    def in_titration(self, n: np.ndarray) -> np.ndarray:
        """Rows still in the titration phase (titration on, at most one patient at every dose)."""
        if not self.opts["titration"]:
            return np.zeros(n.shape[0], dtype=bool)
        return n.max(axis=1) <= 1

    def propose(self, s: CountState) -> Proposal:
        """BOIN's rule; with titration, one patient per dose until the first DLT or the top dose, then the rest of
        a cohort there (BOIN get.oc's titration, but from the start dose, which get.oc ignores there)."""
        p = super().propose(s)
        tit = self.in_titration(s.n)
        if not tit.any():
            return p
        climb = ~s.first & (s.x.sum(axis=1) == 0) & (s.cur < s.n.shape[1] - 1)
        p.dose = np.where(tit, np.where(climb, s.cur + 1, s.current), p.dose)
        p.size = np.where(tit, np.where(s.first | climb, 1, self.cohort - 1), self.cohort)
        # no stop of BOIN's applies with at most one patient per dose (elimination needs 3); n_earlystop might
        p.stop = p.stop & ~tit if p.stop is not None else None
        return p

    def early_stop_n(self) -> int | None:
        """n_earlystop."""
        return int(self.opts["n_earlystop"])

    def acceptable_interval(self) -> tuple[float, float]:
        """BOIN has no equivalence interval of its own: target ± 0.05 (docs/contract.md)."""
        return (self.target - 0.05, self.target + 0.05)
