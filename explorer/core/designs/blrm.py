"""Bayesian logistic regression with escalation with overdose control (Neuenschwander, Branson & Gsponer 2008)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import Problem
from .base import FLOAT, FLOATS, INT, SAMPLE_SIZE_OPTIONS, CountState, Option, Proposal
from .grid_posterior import GridPosterior, below_weights
from .model_based import ModelBased

#: Grid half-width in prior SDs, and points per axis (log alpha, log beta).
GRID_SDS = 5.0
GRID_ALPHA, GRID_BETA = 96, 64


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _middle(n_doses: int) -> int:
    """The default reference dose's index (0-based): the middle dose, the lower of two middles."""
    return (n_doses - 1) // 2


class BLRM(ModelBased):
    """Two-parameter BLRM, logit p(d) = log(alpha) + beta·log(d / d_ref), with EWOC.

    Prior: (log alpha, log beta) bivariate normal; posterior on a fixed grid for every state at once.
    After each cohort every dose gets P(DLT rate in the target interval [target_low, target_high)) and
    P(overdose) = P(DLT rate ≥ target_high). Doses with P(overdose) ≥ ewoc are not allowed; the next dose is the
    allowed dose with the highest P(target interval), at most max_step levels above the current dose. If the
    lowest dose is not allowed (checked once data exist: the first cohort always goes to the start dose), the
    trial stops with no selection; with stop_min_n, only once the lowest dose has that many patients (until
    then it is given). After max_n patients, the MTD is the allowed dose with the highest
    P(target interval) among doses up to the highest one treated.
    """

    method = "blrm"
    order = 31
    title = "BLRM with EWOC (Neuenschwander et al. 2008)"
    summary = "Bayesian logistic regression (log alpha, log beta bivariate normal) with escalation with overdose " \
              "control."
    decide_cost = 100.0  # a posterior on a 6,144-point grid per state (~30× the CRM's)
    options = (
        *SAMPLE_SIZE_OPTIONS,
        Option("dose_values", FLOATS, None, "numeric dose of each level (increasing); the model uses "
               "log(dose / reference_dose)", low=1e-12, from_ladder=True,
               default_text="the ladder's dose values (1, 2, …, K if the ladder has none)"),
        Option("reference_dose", FLOAT, None, "reference dose d_ref of the model, where the prior puts the "
               "target DLT rate (prior_mean_log_alpha = logit(target)): the prior MTD guess", low=1e-12,
               default_text="the middle dose's value (the lower of two middles), as the CRM's prior_mtd"),
        Option("prior_mean_log_alpha", FLOAT, None, "prior mean of log(alpha), the log-odds of a DLT at d_ref",
               low=-20.0, high=20.0, default_from_target=_logit, default_text="logit(target)"),
        Option("prior_sd_log_alpha", FLOAT, 2.0, "prior SD of log(alpha)", low=0.01, high=10.0),
        Option("prior_mean_log_beta", FLOAT, 0.0, "prior mean of log(beta), the log of the slope",
               low=-10.0, high=10.0),
        Option("prior_sd_log_beta", FLOAT, 1.0, "prior SD of log(beta)", low=0.01, high=5.0),
        Option("prior_corr", FLOAT, 0.0, "prior correlation of log(alpha) and log(beta)", low=-0.95, high=0.95),
        Option("target_low", FLOAT, 0.16, "lower end of the target toxicity interval", low=0.0, high=1.0),
        Option("target_high", FLOAT, 0.33, "upper end of the target interval; above it is overdosing",
               low=0.0, high=1.0),
        Option("ewoc", FLOAT, 0.25, "overdose control: a dose is allowed only if P(overdose) is below this",
               low=0.01, high=1.0),
        Option("max_step", INT, 1, "most dose levels to escalate by at once", low=1, high=20),
        Option("stop_min_n", INT, 0, "patients needed at the lowest dose before the trial stops because that dose "
               "fails overdose control (until then the lowest dose is given); 0: stop as soon as it fails",
               low=0, high=200),
    )

    @classmethod
    def cross_check(cls, opts: dict[str, Any], n_doses: int, target: float, where: str) -> list[Problem]:
        """Dose values fit the ladder; the target interval is an interval."""
        problems = super().cross_check(opts, n_doses, target, where)
        v = opts["dose_values"]
        if v is not None:
            if len(v) != n_doses:
                problems.append(Problem(f"{where}.dose_values", f"{len(v)} dose values for a ladder of {n_doses} "
                                        f"doses; give one value per dose."))
            elif np.any(np.diff(v) <= 0):
                problems.append(Problem(f"{where}.dose_values", "dose values must increase strictly."))
        if not 0.0 < opts["target_low"] < opts["target_high"] < 1.0:
            problems.append(Problem(f"{where}.target_low", f"the target interval [{opts['target_low']:g}, "
                                    f"{opts['target_high']:g}) must satisfy 0 < target_low < target_high < 1."))
        return problems

    def setup(self) -> None:
        """The grid, its prior weights, and the per-dose event weights of every grid point."""
        o = self.opts
        K = self.n_doses
        values = np.arange(1.0, K + 1) if o["dose_values"] is None else np.asarray(o["dose_values"], dtype=float)
        ref = values[_middle(K)] if o["reference_dose"] is None else float(o["reference_dose"])
        self.values, self.reference = values, ref
        self.log_rel = np.log(values / ref)
        m1, s1, m2, s2, rho = (float(o[k]) for k in ("prior_mean_log_alpha", "prior_sd_log_alpha",
                                                      "prior_mean_log_beta", "prior_sd_log_beta", "prior_corr"))
        h1, h2 = 2 * GRID_SDS * s1 / GRID_ALPHA, 2 * GRID_SDS * s2 / GRID_BETA
        a = m1 - GRID_SDS * s1 + h1 * (np.arange(GRID_ALPHA) + 0.5)
        b = m2 - GRID_SDS * s2 + h2 * (np.arange(GRID_BETA) + 0.5)
        A, B = (g.ravel() for g in np.meshgrid(a, b, indexing="ij"))
        self.log_alpha, self.log_beta = A, B
        za, zb = (A - m1) / s1, (B - m2) / s2
        log_prior = -(za * za - 2 * rho * za * zb + zb * zb) / (2 * (1 - rho * rho))
        eta = A[None, :] + np.exp(B)[None, :] * self.log_rel[:, None]  # log-odds (K × G)
        self.posterior = GridPosterior(-np.logaddexp(0.0, -eta), -np.logaddexp(0.0, eta), log_prior)

        # P(rate < p) per dose: in each log-beta column the event is log alpha < logit(p) − beta·log(d/d_ref)
        def below(p: float) -> np.ndarray:
            cuts = _logit(p) - np.exp(b)[None, :] * self.log_rel[:, None]  # (K × columns)
            w = below_weights(a, cuts.ravel()).reshape(K, b.size, a.size)
            return w.transpose(0, 2, 1).reshape(K, -1)  # to the grid's (log alpha, log beta) order

        lo, hi = below(o["target_low"]), below(o["target_high"])
        self.functionals = np.hstack([A[:, None], B[:, None], (hi - lo).T, (1.0 - hi).T])
        self.cohort = int(o["cohort_size"])

    @property
    def max_cohort(self) -> int:
        """Cohorts are cohort_size patients (the last one may be cut short by max_n)."""
        return self.cohort

    def acceptable_interval(self) -> tuple[float, float]:
        """The design's own target interval."""
        return (float(self.opts["target_low"]), float(self.opts["target_high"]))

    def posterior_summary(self, n: np.ndarray, x: np.ndarray) -> dict[str, np.ndarray]:
        """Posterior means of log alpha and log beta, and per dose P(target interval) and P(overdose)."""
        K = self.n_doses
        out = self.posterior.summarise(n, x, self.functionals)
        return {"log_alpha": out[:, 0], "log_beta": out[:, 1], "p_target": out[:, 2:2 + K],
                "p_over": out[:, 2 + K:]}

    def _best(self, p_target: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        return np.argmax(np.where(allowed, p_target, -1.0), axis=1)

    def _final(self, n: np.ndarray, p_target: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        treated = n > 0
        highest = np.where(treated.any(axis=1), self.n_doses - 1 - np.argmax(treated[:, ::-1], axis=1), -1)
        ok = allowed & (np.arange(self.n_doses)[None, :] <= highest[:, None])
        return np.where(ok.any(axis=1), self._best(p_target, ok), -1)

    def select_now(self, n: np.ndarray, x: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """The allowed dose with the highest P(target interval) up to the highest treated; -1 if none."""
        post = self.posterior_summary(n, x)
        return self._final(n, post["p_target"], post["p_over"] < self.opts["ewoc"])

    def propose(self, s: CountState) -> Proposal:
        """EWOC-constrained choice of the next dose within max_step levels; stop when the lowest dose fails EWOC."""
        K = self.n_doses
        post = self.posterior_summary(s.n, s.x)
        allowed = post["p_over"] < self.opts["ewoc"]
        too_toxic = ~allowed[:, 0] & (s.n[:, 0] >= self.opts["stop_min_n"])
        reach = np.arange(K)[None, :] <= (np.maximum(s.cur, 0) + self.opts["max_step"])[:, None]
        return Proposal(self._best(post["p_target"], allowed & reach), unsafe=too_toxic,
                        selected=self._final(s.n, post["p_target"], allowed))
