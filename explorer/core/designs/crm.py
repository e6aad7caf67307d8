"""The continual reassessment method (O'Quigley, Pepe & Fisher 1990) as dfcrm's `crmsim` runs it (method "bayes")."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import Problem
from .base import BOOL, CHOICE, FLOAT, FLOATS, INT, SAMPLE_SIZE_OPTIONS, CountState, Option, Proposal
from .calibration import calibrate_skeleton
from .grid_posterior import GridPosterior, below_weights
from .model_based import ModelBased

#: The quadrature grid of the model parameter beta: dfcrm integrates over [-10, 10] (the prior SD is about 1.16).
GRID_LOW, GRID_HIGH, GRID_POINTS = -10.0, 10.0, 201


#: Calibrated skeleton rates must stay inside (0, 1) in floating point: the model takes logs of them.
SKELETON_LIMITS = (1e-300, 1 - 1e-12)


def _middle(n_doses: int) -> int:
    """The default prior MTD level (1-based): the middle dose, the lower of two middles."""
    return (n_doses + 1) // 2


class CRM(ModelBased):
    """One-parameter CRM: posterior mean of beta on a grid, plugged into the working model.

    Working models: empiric p_k = s_k^exp(beta), or logistic logit p_k = intercept + exp(beta)·d_k with d_k
    back-solved from the skeleton s; beta ~ N(0, prior_sd²). After each cohort the recommended dose is the one
    whose plug-in estimate is closest to the target (ties: the lower). With no_skip (dfcrm's restrict = TRUE)
    the next dose is at most one level above the current one, and no higher than the current one when the
    fraction of DLTs in the last cohort is at least the target. The recommendation after the last patient is
    the selected MTD. Safety stop (our addition; dfcrm has none): with at least `safety_min_n` patients at the
    lowest dose, stop with no selection once P(DLT rate at the lowest dose > target | data) > safety_stop.
    """

    method = "crm"
    order = 30
    title = "CRM (O'Quigley et al. 1990)"
    summary = "Continual reassessment method: one-parameter model, posterior mean plugged in, as dfcrm's crmsim."
    n_extra = 1  # DLTs at the dose of the next cohort before it is treated: the last cohort's DLTs follow
    decide_cost = 4.0  # a posterior on a 201-point grid per state
    options = (
        *SAMPLE_SIZE_OPTIONS,
        Option("model", CHOICE, "empiric", "working model: empiric (power) p = s^exp(b), or logistic "
               "logit p = intercept + exp(b)·d", choices=("empiric", "logistic"), label="Working model",
               choice_labels=("empiric (power)", "logistic")),
        Option("skeleton", FLOATS, None, "prior guesses of the DLT rate at each dose (increasing, one per dose)",
               low=1e-6, high=1 - 1e-6,
               default_text="calibrated from halfwidth and prior_mtd (Lee & Cheung 2009)", label="Skeleton"),
        Option("halfwidth", FLOAT, 0.05, "half-width of the indifference interval used to calibrate the skeleton",
               low=0.005, high=0.3, label="Skeleton half-width"),
        Option("prior_mtd", INT, None, "dose level (1-based) given the target DLT rate by the calibrated skeleton",
               low=1, high=100, default_text="the middle dose (the lower of two)",
               label="Prior guess of the MTD level"),
        Option("prior_sd", FLOAT, math.sqrt(1.34), "prior standard deviation of beta (prior mean 0)",
               low=0.05, high=10.0, default_text="√1.34 ≈ 1.158", label="Prior SD of the slope"),
        Option("intercept", FLOAT, 3.0, "fixed intercept of the logistic model", low=-10.0, high=20.0,
               label="Logistic intercept"),
        Option("no_skip", BOOL, True, "never skip a dose when escalating, and do not escalate right after a "
               "cohort whose DLT fraction is at least the target (dfcrm restrict)", label="No skipping"),
        Option("safety_stop", FLOAT, 0.95, "stop with no selection when P(DLT rate at the lowest dose > target) "
               "exceeds this; 1 turns the rule off (as in dfcrm)", low=0.5, high=1.0,
               label="Safety stop cut-off"),
        Option("safety_min_n", INT, 3, "patients needed at the lowest dose before the safety stop applies",
               low=1, high=200, label="Safety stop after"),
    )

    @classmethod
    def cross_check(cls, opts: dict[str, Any], n_doses: int, target: float, where: str) -> list[Problem]:
        """The skeleton fits the ladder and the model; a calibration is possible."""
        problems = super().cross_check(opts, n_doses, target, where)
        if opts["skeleton"] is None:
            mtd = opts["prior_mtd"] if opts["prior_mtd"] is not None else _middle(n_doses)
            if mtd > n_doses:
                problems.append(Problem(f"{where}.prior_mtd", f"prior_mtd = {mtd} but the ladder has only "
                                        f"{n_doses} doses."))
                return problems
            try:
                skel = calibrate_skeleton(opts["halfwidth"], target, mtd, n_doses, opts["model"], opts["intercept"])
            except ValueError as e:
                problems.append(Problem(f"{where}.halfwidth", f"the skeleton cannot be calibrated: {e}."))
                return problems
            # a wide half-width on a long ladder sends the calibrated rates to 0 or 1 in floating point
            lo, hi = SKELETON_LIMITS
            if np.any(skel < lo) or np.any(skel > hi) or np.any(np.diff(skel) <= 0):
                problems.append(Problem(f"{where}.halfwidth", f"halfwidth = {opts['halfwidth']:g} with prior_mtd = "
                                        f"{mtd} on {n_doses} doses calibrates a skeleton whose end doses get DLT "
                                        f"rates of {skel[0]:.3g} and {skel[-1]:.3g}, too close to 0 or 1 to compute "
                                        f"with; give a smaller halfwidth, a prior_mtd nearer the middle, or a "
                                        f"skeleton."))
            return problems
        s = np.asarray(opts["skeleton"], dtype=float)
        if s.size != n_doses:
            problems.append(Problem(f"{where}.skeleton", f"the skeleton has {s.size} values but the ladder has "
                                    f"{n_doses} doses; give one prior DLT rate per dose."))
        elif np.any(np.diff(s) <= 0):
            problems.append(Problem(f"{where}.skeleton", "the skeleton must increase strictly from dose to dose."))
        elif opts["model"] == "logistic" and np.any(np.log(s / (1 - s)) - opts["intercept"] >= 0):
            problems.append(Problem(f"{where}.intercept", f"intercept {opts['intercept']:g} is too small for this "
                                    f"skeleton: every logit(skeleton) − intercept must be negative."))
        return problems

    def setup(self) -> None:
        """Skeleton, scaled doses, and the grid posterior's tables."""
        o = self.opts
        self.skips = not o["no_skip"]
        K, t = self.n_doses, self.target
        if o["skeleton"] is None:
            mtd = o["prior_mtd"] if o["prior_mtd"] is not None else _middle(K)
            self.skeleton = calibrate_skeleton(o["halfwidth"], t, mtd, K, o["model"], o["intercept"])
        else:
            self.skeleton = np.asarray(o["skeleton"], dtype=float)
        self.cohort = int(o["cohort_size"])
        self.grid = np.linspace(GRID_LOW, GRID_HIGH, GRID_POINTS)
        slope = np.exp(self.grid)
        s1 = self.skeleton[0]
        if o["model"] == "empiric":
            self.scaled = self.skeleton
            log_p = np.log(self.skeleton)[:, None] * slope[None, :]
            log_q = np.log(-np.expm1(log_p))
            cut = math.log(math.log(t) / math.log(s1))  # p_1 > target  <=>  beta < cut
        else:
            a = float(o["intercept"])
            self.scaled = np.log(self.skeleton / (1 - self.skeleton)) - a
            eta = a + self.scaled[:, None] * slope[None, :]
            log_p, log_q = -np.logaddexp(0.0, -eta), -np.logaddexp(0.0, eta)
            room = (math.log(t / (1 - t)) - a) / self.scaled[0]
            cut = math.log(room) if room > 0 else -math.inf
        h = self.grid[1] - self.grid[0]
        log_prior = -0.5 * (self.grid / o["prior_sd"]) ** 2 + math.log(h)
        self.posterior = GridPosterior(log_p, log_q, log_prior)
        self.safety = float(o["safety_stop"])
        self.functionals = np.column_stack([self.grid, below_weights(self.grid, np.array([cut]))[0]])

    @property
    def max_cohort(self) -> int:
        """Cohorts are cohort_size patients (the last one may be cut short by max_n)."""
        return self.cohort

    def model_rates(self, beta: np.ndarray) -> np.ndarray:
        """DLT rates of the working model at each dose for each value of beta (len(beta) × doses)."""
        slope = np.exp(np.asarray(beta, dtype=float))[:, None]
        if self.opts["model"] == "empiric":
            return self.skeleton[None, :] ** slope
        return 1.0 / (1.0 + np.exp(-(self.opts["intercept"] + slope * self.scaled[None, :])))

    def posterior_summary(self, n: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean of beta and P(DLT rate at the lowest dose > target) for each state."""
        beta, p_low, _ = self.posterior_and_recommendation(n, x)
        return beta, p_low

    def posterior_and_recommendation(self, n: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                   np.ndarray]:
        """Posterior mean of beta, P(DLT rate at the lowest dose > target) and the recommended dose for each state,
        each computed once per distinct state (many simulated trials share one)."""
        out, inverse = self.posterior.summarise_distinct(n, x, self.functionals)
        rec = self.recommend(out[:, 0])
        return out[inverse, 0], np.clip(out[inverse, 1], 0.0, 1.0), rec[inverse]

    def recommend(self, beta: np.ndarray) -> np.ndarray:
        """The dose whose plug-in DLT rate is closest to the target (ties: the lower)."""
        return np.argmin(np.abs(self.model_rates(beta) - self.target), axis=1)

    def _unsafe(self, n: np.ndarray, p_low_toxic: np.ndarray) -> np.ndarray:
        if self.safety >= 1.0:
            return np.zeros(n.shape[0], dtype=bool)
        return (p_low_toxic > self.safety) & (n[:, 0] >= self.opts["safety_min_n"])

    def select_now(self, n: np.ndarray, x: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """The model's recommendation on the data so far; -1 if the safety stop applies."""
        _, p_low, rec = self.posterior_and_recommendation(n, x)
        return np.where(self._unsafe(n, p_low), -1, rec)

    def holds_after_dlt(self) -> bool:
        """Whether the dose is held right after a cohort whose DLT fraction is at least the target (dfcrm crmsim's
        part of restrict; with no_skip)."""
        return bool(self.opts["no_skip"])

    def summaries(self, s: CountState) -> tuple[np.ndarray, np.ndarray]:
        """P(DLT rate at the lowest dose > target) and the recommended dose for the states (override to weigh in
        more than the counts)."""
        _, p_low, rec = self.posterior_and_recommendation(s.n, s.x)
        return p_low, rec

    def propose(self, s: CountState) -> Proposal:
        """Recommend from the posterior; with no_skip, hold the dose after a cohort with many DLTs (dfcrm's rule;
        the shared no-skipping behaviour caps escalation at one level)."""
        p_low, rec = self.summaries(s)
        dose = rec
        if self.holds_after_dlt():
            c = np.maximum(s.cur, 0)
            last_dlts = s.x[s.rows, c] - s.extra[:, 0]
            # dfcrm: sum(ynew)/mcohort >= target holds the dose; only the final cohort can be short, and
            # after it the trial stops
            hold = last_dlts / self.cohort >= self.target
            dose = np.where(hold, np.minimum(rec, c), rec)
        return Proposal(dose, unsafe=self._unsafe(s.n, p_low), selected=rec)

    def memory(self, s: CountState, dose: np.ndarray) -> np.ndarray:
        """DLTs at the next cohort's dose before it is treated (so the next decision sees that cohort's DLTs);
        a constant without the hold, which lets exact enumeration merge more states."""
        if self.holds_after_dlt():
            return s.x[s.rows, dose][:, None]
        return np.zeros((s.n.shape[0], 1), dtype=np.int64)
