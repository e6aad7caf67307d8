"""TITE-BOIN (Yuan, Lin, Li, Nie & Warren 2018): BOIN deciding with pending patients, their outcomes imputed."""

from __future__ import annotations

import numpy as np

from .base import CHOICE, FLOAT, Capability, CountState, Option, Proposal
from .boin import BOIN
from .interval import DEESCALATE, ESCALATE, STAY, lookup
from .pending import PendingState

SUSPEND = 2


class TiteBOIN(BOIN):
    """TITE-BOIN: at each new cohort, BOIN's decision at the current dose with pending patients taken into account.

    With n treated at the current dose (pending included), y DLTs seen, c pending and STFT the sum of their
    followed fractions of the window (Yuan et al. 2018, the trialdesign.org decision table; estimator
    "imputation", the default): a dose with ≥ 3 treated and P(p > target | y, n) > cutoff_eli is eliminated with
    all above (the lowest: stop); y ≥ BOIN's de-escalation boundary de-escalates whatever is pending; otherwise
    more than max_pending × n pending suspends accrual; with nothing pending BOIN decides; else each pending
    outcome is imputed with π̂ = (y + target/2)/(n − c + 1) and p̂ = [y + π̂/(1 − π̂)·(c − STFT)]/n: from
    y/n < target escalate if p̂ ≤ λe, from y/n > target de-escalate if p̂ ≥ λd, else stay. Estimator "ess"
    (TITEgBOIN, Lin & Yuan 2020): p̂ = y/(n − c + STFT), escalate if p̂ ≤ λe, de-escalate if p̂ ≥ λd; suspension is
    checked before de-escalation, and a de-escalation at the lowest dose with outcomes pending waits. The MTD is
    chosen by BOIN's isotonic regression once every outcome is known. Without a clock it is BOIN.
    """

    method = "tite-boin"
    aliases = ("titeboin", "tite_boin")
    order = 23
    title = "TITE-BOIN (Yuan et al. 2018)"
    summary = ("Time-to-event BOIN: decides with pending patients, their outcomes imputed as Yuan et al. 2018 (the "
               "published decision table; TITEgBOIN's estimator with estimator = ess); suspends accrual when more "
               "than half are pending.")
    rules = ("Yuan et al. 2018 (the trialdesign.org decision table): pending outcomes imputed from a Beta(target/2, "
             "1 − target/2) prior on the completed patients, imputation used one way only (escalate from y/n < "
             "target, de-escalate from y/n > target), de-escalation on observed DLTs before the suspension rule; "
             "estimator = ess gives CRAN TITEgBOIN's effective sample size y/(n − c + STFT), suspension checked "
             "before de-escalation and waiting rather than de-escalating at the lowest dose. Elimination counts "
             "pending patients in n (both). Titration patients wait for each outcome.")
    capabilities = BOIN.capabilities | {Capability.NEEDS_TIME, Capability.SUSPENDS}
    options = BOIN.options + (
        Option("estimator", CHOICE, "imputation", "imputation: Yuan et al. 2018 (trialdesign.org's table); ess: "
               "TITEgBOIN's effective sample size y/(n − c + STFT), suspension checked before de-escalation",
               choices=("imputation", "ess"), label="Estimate of the DLT rate",
               choice_labels=("Imputation (Yuan et al. 2018)", "Effective sample size (TITEgBOIN)")),
        Option("max_pending", FLOAT, 0.5, "suspend accrual when more than this share of the patients at the "
               "current dose are pending", low=0.0, high=1.0, label="Largest pending share"),
    )

    def propose(self, s: CountState) -> Proposal:
        """BOIN on what is known; with a clock, rows with outcomes pending at the current dose follow the TITE-BOIN
        rule, and titration (one patient at a time) waits for each outcome."""
        p = super().propose(s)
        if not isinstance(s, PendingState) or not s.any_pending.any():
            return p
        pend = s.any_pending
        suspend = pend & self.in_titration(s.n)
        r = np.flatnonzero(pend & ~suspend)
        assert p.unsafe is not None and p.stop is not None
        if r.size:
            act, unsafe, stop = self._tite(s.subset(r))
            p.dose[r] = s.cur[r] + np.where(act == SUSPEND, 0, act)
            p.unsafe[r], p.stop[r] = unsafe, stop
            suspend[r] = act == SUSPEND
        p.suspend = suspend
        return p

    def _tite(self, st: PendingState) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The TITE-BOIN action at the current dose (ESCALATE, STAY, DEESCALATE or SUSPEND), the lowest dose's stop
        (no selection) and the early stop, for rows with outcomes pending."""
        S, K = st.n.shape
        rows = np.arange(S)
        cc = st.cur  # pending patients exist, so someone has been treated
        n, y = st.n[rows, cc], st.x[rows, cc]
        c, stft = st.pending_follow_at(cc)
        fe = self.first_eliminated(st.n, st.x)
        low = self._stop_low(st.n, st.x, fe)
        phi = self.target
        lam_e, lam_d = self.lam_e, self.lam_d
        deesc = (cc >= fe) | (lookup(self.action, n, y) == DEESCALATE)
        suspend = c > self.opts["max_pending"] * n
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.opts["estimator"] == "imputation":
                pi = (y + phi / 2) / (n - c + 1)
                p_hat = (y + pi / (1 - pi) * (c - stft)) / n
                rate = y / n
                act = np.where(rate < phi, np.where(p_hat <= lam_e, ESCALATE, STAY),
                               np.where(rate > phi, np.where(p_hat >= lam_d, DEESCALATE, STAY), STAY))
                act = np.where(deesc, DEESCALATE, np.where(suspend, SUSPEND, act))
            else:
                p_hat = y / (n - c + stft)
                act = np.where(p_hat <= lam_e, ESCALATE, np.where(p_hat >= lam_d, DEESCALATE, STAY))
                act = np.where(suspend, SUSPEND, np.where(deesc, DEESCALATE, act))
                act = np.where((act == DEESCALATE) & (cc == 0) & (c > 0), SUSPEND, act)
        act = np.where(c == 0, np.where(deesc, DEESCALATE, lookup(self.action, n, y)), act)
        act = np.where((cc >= fe) & (cc > 0), DEESCALATE, act)  # an eliminated dose is never kept
        act = np.where((act == ESCALATE) & ((cc == K - 1) | (cc + 1 >= fe)), STAY, act)
        act = np.where((act == DEESCALATE) & (cc == 0), STAY, act)
        stop = (act == STAY) & (n >= self.early_stop_n())
        return act, low, stop
