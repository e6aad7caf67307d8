"""What the interval designs (BOIN, mTPI-2, i3+3) share: per-(n, x) lookup tables, elimination, isotonic selection."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..errors import Problem
from .base import FLOAT, Capability, CountState, Design, Option, Proposal

ESCALATE, STAY, DEESCALATE = 1, 0, -1
#: The narrowest equivalence interval accepted (the mTPI-2 intervals have its width).
MIN_WIDTH = 0.01
#: Patients needed at a dose before the elimination rule applies (BOIN, mTPI-2, i3+3).
ELIMINATION_MIN_N = 3


def overdose_probability(target: float, n: np.ndarray, x: np.ndarray) -> np.ndarray:
    """P(p > target | x DLTs of n) under a Beta(1, 1) prior."""
    from scipy.stats import beta

    return beta.sf(target, x + 1, n - x + 1)


def count_grid(max_n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (n, x) with 0 ≤ x ≤ n ≤ max_n as index arrays (n, x), and the validity mask x ≤ n."""
    n, x = np.meshgrid(np.arange(max_n + 1), np.arange(max_n + 1), indexing="ij")
    return n, x, x <= n


def elimination_table(target: float, cutoff: float, max_n: int) -> np.ndarray:
    """elim[n, x]: a dose with x DLTs of n (n ≥ 3) is too toxic, P(p > target | x, n) > cutoff."""
    n, x, ok = count_grid(max_n)
    with np.errstate(invalid="ignore"):
        p = overdose_probability(target, n, np.minimum(x, n))
    return ok & (n >= ELIMINATION_MIN_N) & (p > cutoff)


def lookup(table: np.ndarray, n: np.ndarray, x: np.ndarray) -> np.ndarray:
    """table[n, x] elementwise for count arrays of any shape (one flat gather: the hot path)."""
    return table.ravel()[n * table.shape[1] + x]


def isotonic_select(n: np.ndarray, x: np.ndarray, excluded: np.ndarray, target: float) -> np.ndarray:
    """BOIN's `select.mtd` for a batch: the treated, non-excluded dose whose isotonic estimate is closest to target.

    Estimates (x + 0.05) / (n + 0.1) (Beta(0.05, 0.05) posterior means) are made monotone by weighted
    pool-adjacent-violators with weights 1 / posterior variance, then i × 1e-10 is added to the i-th admissible
    dose (so among tied estimates below the target the higher dose wins, above it the lower), and the first
    closest dose is taken. -1 where no dose is admissible.
    """
    S, K = n.shape
    adm = (n > 0) & ~excluded
    nf, xf = n.astype(float), x.astype(float)
    phat = (xf + 0.05) / (nf + 0.1)
    var = (xf + 0.05) * (nf - xf + 0.05) / ((nf + 0.1) ** 2 * (nf + 0.1 + 1.0))
    w = np.where(adm, 1.0 / var, 0.0)
    cw = np.concatenate([np.zeros((S, 1)), np.cumsum(w, axis=1)], axis=1).T.copy()
    cwp = np.concatenate([np.zeros((S, 1)), np.cumsum(w * phat, axis=1)], axis=1).T.copy()
    # Isotonic fit by the max-min formula, fit(i) = max_{j≤i} min_{k≥i} mean(j..k): PAVA's pooled means.
    # K is small, so loop over dose pairs on whole columns of trials; ranges with no weight give nan and
    # never matter for an admissible i (fmin/fmax skip them).
    fit = np.full((K, S), -np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        for j in range(K):
            low = np.full(S, np.inf)
            for i in range(K - 1, j - 1, -1):
                low = np.fmin(low, (cwp[i + 1] - cwp[j]) / (cw[i + 1] - cw[j]))
                fit[i] = np.fmax(fit[i], low)
    rank = np.cumsum(adm, axis=1)
    dist = np.where(adm, np.abs(fit.T + rank * 1e-10 - target), np.inf)
    best = np.argmin(dist, axis=1)
    return np.where(adm.any(axis=1), best, -1)


def epsilon_options(default: float = 0.05) -> tuple[Option, ...]:
    """epsilon1 and epsilon2: the equivalence interval [target − epsilon1, target + epsilon2]."""
    return (
        Option("epsilon1", FLOAT, default, "the equivalence interval starts at target − epsilon1",
               low=0.0, high=0.5, label="Equivalence: below target by"),
        Option("epsilon2", FLOAT, default, "the equivalence interval ends at target + epsilon2",
               low=0.0, high=0.5, label="Equivalence: above target by"),
    )


class IntervalDesign(Design):
    """Base of the interval designs (not a design itself: it sets no `method`).

    A subclass fills `action` (ESCALATE / STAY / DEESCALATE by patients n and DLTs x at the current dose) and
    `elim` (the dose and all above it are eliminated) in `build_tables`. The shared rule, as BOIN's `get.oc`:
    after each cohort, stop with no selection if the lowest dose is eliminated; escalation into an eliminated
    dose or above the top becomes stay, de-escalation below the lowest becomes stay; the trial ends at max_n
    (or, where the design has one, its early-stop rule); the MTD is chosen by `isotonic_select`.
    """

    cutoff_default: ClassVar[float] = 0.95
    order = 20
    capabilities = frozenset({Capability.EXACT, Capability.DECISION_TABLE})

    def setup(self) -> None:
        """Precompute the per-(n, x) lookup tables once: deciding is then table look-ups only."""
        self.cohort = int(self.opts["cohort_size"])
        self.action, self.elim = self.build_tables(self.max_n)
        self.stop_low = self.lowest_dose_stop_table(self.max_n)

    @classmethod
    def cross_check(cls, opts: dict[str, Any], n_doses: int, target: float, where: str) -> list[Problem]:
        """The equivalence interval has width and lies inside [0, 1]."""
        problems = super().cross_check(opts, n_doses, target, where)
        if "epsilon1" in opts and "epsilon2" in opts:
            e1, e2 = opts["epsilon1"], opts["epsilon2"]
            if e1 + e2 < MIN_WIDTH:
                problems.append(Problem(f"{where}.epsilon2", f"the equivalence interval [target − epsilon1, target + "
                                        f"epsilon2] needs a width of at least {MIN_WIDTH}; epsilon1 + epsilon2 = "
                                        f"{e1 + e2:g}."))
            if target - e1 < 0:
                problems.append(Problem(f"{where}.epsilon1", f"target − epsilon1 = {target - e1:g} is below 0; "
                                        f"make epsilon1 at most the target {target}."))
            if target + e2 > 1:
                problems.append(Problem(f"{where}.epsilon2", f"target + epsilon2 = {target + e2:g} is above 1."))
        return problems

    def build_tables(self, max_n: int) -> tuple[np.ndarray, np.ndarray]:
        """(action[n, x], elim[n, x]) for 0 ≤ x ≤ n ≤ max_n (override)."""
        raise NotImplementedError

    def lowest_dose_stop_table(self, max_n: int) -> np.ndarray | None:
        """stop[n, x]: stop with no selection when the lowest dose has these counts (beyond elimination), or None."""
        return None

    def cutoff(self) -> float:
        """The elimination cutoff on P(p > target | data)."""
        return float(self.opts.get("cutoff_eli", self.cutoff_default))

    def early_stop_n(self) -> int | None:
        """Stop (and select) once this many patients are at the current dose and the decision is stay; or None."""
        return None

    def acceptable_interval(self) -> tuple[float, float]:
        """The equivalence interval [target − epsilon1, target + epsilon2]."""
        return (self.target - float(self.opts["epsilon1"]), self.target + float(self.opts["epsilon2"]))

    def first_eliminated(self, n: np.ndarray, x: np.ndarray) -> np.ndarray:
        """The lowest eliminated dose of each trial (n_doses if none): doses from it up are eliminated."""
        raw = lookup(self.elim, n, x)
        return np.where(raw.any(axis=1), raw.argmax(axis=1), n.shape[1])

    def eliminated(self, n: np.ndarray, x: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """The first too-toxic dose (elimination rule) and every dose above it."""
        return np.arange(n.shape[1])[None, :] >= self.first_eliminated(n, x)[:, None]

    def _stop_low(self, n: np.ndarray, x: np.ndarray, first_elim: np.ndarray) -> np.ndarray:
        low = first_elim == 0
        if self.stop_low is not None:
            low = low | lookup(self.stop_low, n[:, 0], x[:, 0])
        return low

    def select_now(self, n: np.ndarray, x: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """The final selection: none if the lowest dose is too toxic, else isotonic over admissible doses."""
        fe = self.first_eliminated(n, x)
        excluded = np.arange(n.shape[1])[None, :] >= fe[:, None]
        return np.where(self._stop_low(n, x, fe), -1, isotonic_select(n, x, excluded, self.target))

    def propose(self, s: CountState) -> Proposal:
        """Look up the decision at the current dose; apply the boundary rules, elimination and the early stop."""
        K = s.n.shape[1]
        cc, nd = s.current, s.n_here
        fe = self.first_eliminated(s.n, s.x)
        act = lookup(self.action, nd, s.x_here)
        act = np.where((act == ESCALATE) & ((cc == K - 1) | (cc + 1 >= fe)), STAY, act)
        act = np.where((act == DEESCALATE) & (cc == 0), STAY, act)
        # the current dose just became eliminated: never stay on it (the rules normally de-escalate already)
        act = np.where((cc >= fe) & (cc > 0), DEESCALATE, act)
        early = self.early_stop_n()
        stop = (nd >= early) & (act == STAY) if early is not None else None
        return Proposal(cc + act, unsafe=self._stop_low(s.n, s.x, fe), stop=stop)

    # ---- decision tables -------------------------------------------------------------------------
    def table_rows(self) -> list[int]:
        """The numbers treated at which the decision table is printed: multiples of the cohort, up to max_n."""
        return list(range(self.cohort, self.max_n + 1, self.cohort))
