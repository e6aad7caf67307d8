"""Bayesian logistic regression with escalation with overdose control (Neuenschwander, Branson & Gsponer 2008)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from ..errors import Problem
from .base import FLOAT, FLOATS, INT, SAMPLE_SIZE_OPTIONS, CountState, Option, Proposal
from .grid_posterior import GridPosterior, below_weights
from .model_based import ModelBased

#: Grid half-width in prior SDs, and points per axis (log alpha, log beta).
GRID_SDS = 5.0
GRID_ALPHA, GRID_BETA = 96, 64
#: Gauss-Hermite nodes over log beta for the prior's quantiles.
QUANTILE_NODES = 80


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def _middle(n_doses: int) -> int:
    """The default reference dose's index (0-based): the middle dose, the lower of two middles."""
    return (n_doses - 1) // 2


def default_log_beta_mean(values: np.ndarray, target_low: float, target_high: float) -> float:
    """The default prior mean of log(beta): the median slope that raises the log-odds by half the target interval's
    logit width per average log-dose step of the ladder (0 for a single dose).

    The model's slope multiplies log(d / d_ref), so a fixed prior on it means a steep prior curve on a widely spaced
    ladder and a flat one on a narrow ladder; scaling by the ladder's step makes the prior the same per level.
    """
    v = np.asarray(values, dtype=float)
    if v.size < 2:
        return 0.0
    step = (math.log(v[-1]) - math.log(v[0])) / (v.size - 1)
    return math.log((_logit(target_high) - _logit(target_low)) / 2 / step)


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

    Default prior, weakly informative and set from the ladder and the target (Neuenschwander, Branson & Gsponer
    2008: centre the prior at the reference dose on the target, and avoid the U-shaped marginal priors a vague
    normal gives): log alpha ~ N(logit(target), 1); log beta ~ N(default_log_beta_mean(...), 0.3²), which makes
    the median curve rise by half the target interval's logit width per average log-dose step; no correlation.
    `prior_summary` shows what it implies at each dose and whether EWOC admits the start dose.
    """

    method = "blrm"
    order = 31
    title = "BLRM with EWOC (Neuenschwander et al. 2008)"
    summary = "Bayesian logistic regression (log alpha, log beta bivariate normal) with escalation with overdose " \
              "control; the default prior is weakly informative, centred on the target at the reference dose and " \
              "scaled to the ladder's dose spacing."
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
               low=-20.0, high=20.0, default_from_target=_logit,
               default_text="logit(target): the prior median DLT rate at the reference dose is the target"),
        Option("prior_sd_log_alpha", FLOAT, 1.0, "prior SD of log(alpha). The default 1 is weakly informative "
               "(about 5 patients' worth at the reference dose, matching a beta's mean and variance) without the "
               "U-shaped prior a wide SD (2) gives, whose mass near DLT rates 0 and 1 makes overdose control refuse "
               "to escalate", low=0.01, high=10.0),
        Option("prior_mean_log_beta", FLOAT, None, "prior mean of log(beta), the log of the slope", low=-10.0,
               high=10.0, default_text="from the ladder: the prior median curve rises by half the target "
               "interval's logit width, (logit(target_high) − logit(target_low)) / 2, per average log-dose step, so it "
               "crosses the target interval over the two levels around the reference dose whatever the doses' units "
               "and spacing"),
        Option("prior_sd_log_beta", FLOAT, 0.3, "prior SD of log(beta). The default 0.3 (slope within ×/÷ 1.8 of "
               "its median) keeps untried higher doses reachable: with a vaguer slope, steep curves stay plausible "
               "after DLT-free cohorts and overdose control blocks the next dose", low=0.01, high=5.0),
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
        m2 = o["prior_mean_log_beta"]
        if m2 is None:
            m2 = default_log_beta_mean(values, o["target_low"], o["target_high"])
        #: The prior actually used: (mean, SD of log alpha, mean, SD of log beta, correlation).
        self.prior = (float(o["prior_mean_log_alpha"]), float(o["prior_sd_log_alpha"]), float(m2),
                      float(o["prior_sd_log_beta"]), float(o["prior_corr"]))
        m1, s1, m2, s2, rho = self.prior
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

    def prior_quantiles(self, probs: Sequence[float]) -> np.ndarray:
        """Prior quantiles of the DLT rate at each dose (len(probs) × doses).

        P(logit p_d < y) = E[Phi((y − mean(log alpha | log beta) − beta·log(d/d_ref)) / sd(log alpha | log beta))]
        over log beta, by Gauss-Hermite quadrature; each quantile by bisection on y.
        """
        m1, s1, m2, s2, rho = self.prior
        z, w = np.polynomial.hermite_e.hermegauss(QUANTILE_NODES)
        w = w / w.sum()
        shift = m1 + rho * s1 * z + np.exp(m2 + s2 * z) * self.log_rel[:, None]  # (doses × nodes)
        sd = s1 * math.sqrt(1.0 - rho * rho)
        target = np.asarray(probs, dtype=float)[:, None] * np.ones((1, self.n_doses))
        lo, hi = np.full(target.shape, -60.0), np.full(target.shape, 60.0)
        for _ in range(60):
            y = (lo + hi) / 2
            cdf = (special.ndtr((y[:, :, None] - shift[None, :, :]) / sd) * w).sum(axis=2)
            below = cdf < target
            lo, hi = np.where(below, y, lo), np.where(below, hi, y)
        return special.expit((lo + hi) / 2)

    def prior_summary(self, labels: Sequence[str] | None = None, level: float = 0.95) -> PriorSummary:
        """What the prior says before any data: P(DLT) at each dose (median and central interval), and P(overdose)
        at the start dose with whether EWOC admits it (as the design computes it)."""
        K = self.n_doses
        labels = tuple(labels) if labels is not None else tuple(f"DL{k + 1}" for k in range(K))
        if len(labels) != K:
            raise ValueError(f"{len(labels)} labels for a ladder of {K} doses")
        tail = (1.0 - level) / 2
        low, median, high = self.prior_quantiles([tail, 0.5, 1.0 - tail])
        zero = np.zeros((1, K), dtype=np.int64)
        p_over = float(self.posterior_summary(zero, zero)["p_over"][0, self.start_dose])
        ewoc, over = float(self.opts["ewoc"]), float(self.opts["target_high"])
        admissible = p_over < ewoc
        per_dose = ", ".join(f"{lab} {_pct(m)} ({_pct(lo)}–{_pct(hi)})"
                             for lab, m, lo, hi in zip(labels, median, low, high))
        start = labels[self.start_dose]
        verdict = (f"below the overdose control limit {_pct(ewoc)}: EWOC admits the start dose." if admissible else
                   f"not below the overdose control limit {_pct(ewoc)}: the start dose is inadmissible before any "
                   f"data (the first cohort still receives it).")
        text = (f"Prior P(DLT), median ({level:.0%} interval): {per_dose}. Prior P(DLT rate ≥ {_pct(over)}) at the "
                f"start dose {start}: {_pct(p_over)}, {verdict}")
        return PriorSummary(labels, median, low, high, level, self.start_dose, p_over, over, ewoc, admissible, text)


def _pct(p: float) -> str:
    """A probability as a percentage: whole percents, one decimal within 1% of 0 or 100% (never a bare 0 or 100%)."""
    v = 100 * float(p)
    if v == 0 or v == 100:
        return f"{v:.0f}%"
    if v < 0.1 or v > 99.9:
        return "<0.1%" if v < 0.1 else ">99.9%"
    return f"{v:.1f}%" if v < 1 or v > 99 else f"{v:.0f}%"


@dataclass(frozen=True)
class PriorSummary:
    """The BLRM prior before any data: per-dose DLT-rate quantiles, and EWOC at the start dose."""

    labels: tuple[str, ...]
    median: np.ndarray
    low: np.ndarray  # the central interval's ends (level, e.g. 95%)
    high: np.ndarray
    level: float
    start_dose: int  # 0-based
    p_overdose_start: float  # prior P(DLT rate ≥ overdose_threshold) at the start dose
    overdose_threshold: float  # target_high
    ewoc: float
    start_admissible: bool  # p_overdose_start < ewoc
    text: str  # one line for people

    def to_dict(self) -> dict[str, Any]:
        """As JSON (start_dose 1-based)."""
        return {"doses": list(self.labels), "median": [float(v) for v in self.median],
                "low": [float(v) for v in self.low], "high": [float(v) for v in self.high], "level": self.level,
                "start_dose": self.start_dose + 1, "p_overdose_start": self.p_overdose_start,
                "overdose_threshold": self.overdose_threshold, "ewoc": self.ewoc,
                "start_admissible": self.start_admissible, "text": self.text}
