"""TITE-CRM (Cheung & Chappell 2000), as dfcrm's `titecrm` and `titesim` run it: pending patients weigh in."""

from __future__ import annotations

import numpy as np

from .base import BOOL, CHOICE, INT, Capability, CountState, Option
from .crm import CRM
from .grid_posterior import _blas
from .pending import PendingState

#: Follow-up fractions are rounded to this before trials are grouped into identical states.
_ROUND = 1e-12
#: States × grid points per chunk of likelihood products (kept small enough to stay in cache).
_CHUNK_CELLS = 1 << 15
#: The joint table p^x (1 − p)^(n − x) per dose is kept when it has at most this many numbers.
_JOINT_CELLS = 1 << 23


def _replace(options: tuple[Option, ...], **changes: Option) -> tuple[Option, ...]:
    return tuple(changes.get(o.name, o) for o in options)


def adaptive_weights(follow: np.ndarray, pending: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """dfcrm's adaptive weights of the pending patients (rows × patients; 0 elsewhere).

    With s_1 < … < s_z the observed DLT times (fractions of the window) and m = #{s ≤ u} for a follow-up u:
    u/s_1/(z+1) if m = 0; (z + (u − s_z)/(1 − s_z))/(z+1) if m = z; else (m + (u − s_m)/(s_{m+1} − s_m))/(z+1);
    linear (u) when no DLT has been observed.
    """
    s = np.sort(np.where(seen, follow, np.inf), axis=1)
    z = seen.sum(axis=1)[:, None]
    m = (s[:, None, :] <= follow[:, :, None]).sum(axis=2)
    R, P = follow.shape
    idx = np.arange(R)[:, None]
    s_m = s[idx, np.maximum(m - 1, 0)]
    s_next = s[idx, np.minimum(m, P - 1)]
    s_1 = s[:, :1]
    s_z = s[idx, np.maximum(z - 1, 0)]
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(m == 0, follow / s_1,
                     np.where(m == z, z + (follow - s_z) / (1 - s_z), m + (follow - s_m) / (s_next - s_m))) / (z + 1)
    w = np.where(z == 0, follow, w)
    return np.where(pending, w, 0.0)


class TiteCRM(CRM):
    """TITE-CRM: the CRM's likelihood with each pending patient weighted by the fraction of the window followed.

    As dfcrm (`titecrm`, `titesim`): L(b) = Π p_i^y_i (1 − w_i p_i)^(1 − y_i), a patient with a DLT or a complete
    window weighing 1 and a pending one w = follow-up / window ("linear"; "adaptive": dfcrm's weights from the
    observed DLT times); posterior mean of b plugged in; the dose closest to the target is recommended at each
    arrival, with no skipping (`no_skip`, titesim's restrict = TRUE: next dose ≤ most recent patient's dose + 1;
    unlike crmsim there is no hold after a DLT unless `hold_after_dlt`). The MTD is the recommendation from the
    complete data after the last patient. Never suspends accrual. Without a clock (every outcome known at each
    decision: no "time" object) it is the CRM with these options, and exact enumeration is offered as for the CRM.
    Not included: dfcrm's two-stage start (x0 a vector) and MLE.
    """

    method = "tite-crm"
    aliases = ("titecrm", "tite_crm")
    order = 32
    title = "TITE-CRM (Cheung & Chappell 2000)"
    summary = ("Time-to-event CRM: pending patients count with the fraction of the DLT window followed, as dfcrm's "
               "titesim; decides at each arrival, never suspends accrual.")
    rules = ("dfcrm's titesim: pending patients weigh follow-up / window (scheme = adaptive: dfcrm's adaptive "
             "weights); restrict is no skipping only (next dose ≤ most recent patient's + 1), with no hold after a DLT "
             "as crmsim has (hold_after_dlt = true adds it; the Rd's coherence claim is not in the code, and dtpcrm's "
             "coherence is not used); a decision at every arrival, never a suspension; the MTD from the complete "
             "data after the last patient. dfcrm's two-stage start and MLE are not included.")
    capabilities = frozenset({Capability.EXACT, Capability.NEEDS_TIME})
    options = _replace(
        CRM.options,
        cohort_size=Option("cohort_size", INT, 1, "patients per cohort (dfcrm's titesim: one at a time)",
                           low=1, high=12, label="Cohort size"),
        no_skip=Option("no_skip", BOOL, True, "never skip a dose when escalating: the next dose is at most the "
                       "most recent patient's + 1 (titesim restrict)", label="No skipping"),
    ) + (
        Option("scheme", CHOICE, "linear", "weights of pending patients: linear (follow-up / window) or "
               "adaptive (dfcrm's, from the observed DLT times)", choices=("linear", "adaptive"),
               label="Weights of pending patients",
               choice_labels=("Linear in follow-up", "Adaptive (dfcrm)")),
        Option("hold_after_dlt", BOOL, False, "with no_skip, also do not escalate right after a cohort whose "
               "observed DLT fraction is at least the target (crmsim's rule; titesim has none)",
               label="Hold after a DLT"),
    )

    def holds_after_dlt(self) -> bool:
        """Only with hold_after_dlt (titesim's restrict is no skipping only)."""
        return bool(self.opts["no_skip"] and self.opts["hold_after_dlt"])

    def setup(self) -> None:
        """The CRM's tables; for the pending patients' likelihood, P(DLT) at each dose on the grid and the powers
        p^m and (1 − p)^m (m ≤ max_n), so a posterior on the grid is products only, no log or exp."""
        super().setup()
        K = self.n_doses
        self.p_grid = np.exp(self.posterior.table[:K])
        M, G = self.max_n, self.p_grid.shape[1]
        m = np.arange(M + 1)[None, :, None]
        self.p_pow = np.exp(m * self.posterior.table[:K, None, :])
        self.q_pow = np.exp(m * self.posterior.table[K:, None, :])
        self.prior_grid = np.exp(self.posterior.log_prior - self.posterior.log_prior.max())
        # joint[k, n, x] = p_k^x (1 − p_k)^(n − x): one product per dose instead of two, where it fits
        self.joint = None
        if K * (M + 1) ** 2 * G <= _JOINT_CELLS:
            n = np.arange(M + 1)[:, None]
            x = np.minimum(np.arange(M + 1)[None, :], n)
            self.joint = self.p_pow[:, x, :] * self.q_pow[:, n - x, :]

    def pending_weights(self, state: PendingState) -> np.ndarray:
        """Weights of the pending patients (rows × patients; 0 for patients whose outcome is known)."""
        pend = ~state.complete
        if self.opts["scheme"] == "adaptive":
            return adaptive_weights(state.follow, pend, state.dlt)
        return np.where(pend, state.follow, 0.0)

    def tite_summary(self, state: PendingState) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean of b and P(DLT rate at the lowest dose > target), pending patients weighted; trials in
        the same state (counts known, pending doses and weights) are computed once."""
        nc, xc = state.completed_n, state.x
        w = self.pending_weights(state)
        pend = ~state.complete
        # outcomes become known roughly in order of enrolment, so the pending patients are among the last L
        # columns; keyed in order of enrolment there (equal states then have equal keys)
        m = pend.shape[1]
        first_pending = np.where(pend.any(axis=1), np.argmax(pend, axis=1), m)
        L = int(m - first_pending.min(initial=m))
        pd = np.where(pend[:, m - L:], state.dose[:, m - L:], 0)
        pw = np.where(pend[:, m - L:], w[:, m - L:], 0.0)
        key = np.ascontiguousarray(np.hstack([nc, xc, pd, np.round(pw / _ROUND)]).astype(np.float64))
        view = key.view(np.dtype((np.void, key.dtype.itemsize * key.shape[1]))).ravel()
        _, first, inverse = np.unique(view, return_index=True, return_inverse=True)
        out = np.empty((first.size, 2))
        step = max(1, _CHUNK_CELLS // self.p_grid.shape[1])
        with _blas().limit(limits=1, user_api="blas"):
            self._tite_chunks(first, step, nc, xc, pd, pw, out)
        out = out[inverse.ravel()]
        return out[:, 0], np.clip(out[:, 1], 0.0, 1.0)

    def _tite_chunks(self, first: np.ndarray, step: int, nc: np.ndarray, xc: np.ndarray, pd: np.ndarray,
                     pw: np.ndarray, out: np.ndarray) -> None:
        """Posterior summaries of the distinct states `first`, a chunk of states at a time, into `out`."""
        K = self.n_doses
        for i in range(0, first.size, step):
            r = first[i:i + step]
            lik = np.tile(self.prior_grid, (r.size, 1))
            for k in range(K):
                if self.joint is not None:
                    lik *= self.joint[k, nc[r, k], xc[r, k]]
                else:
                    lik *= self.p_pow[k, xc[r, k]]
                    lik *= self.q_pow[k, nc[r, k] - xc[r, k]]
            for j in range(pd.shape[1]):
                lik *= 1.0 - pw[r, j, None] * self.p_grid[pd[r, j]]
            total = lik.sum(axis=1)
            out[i:i + step] = (lik @ self.functionals) / total[:, None]
            bad = ~(total > 0) | ~np.isfinite(total)
            if bad.any():  # the likelihood underflowed on the whole grid: fall back to logs
                out[i:i + step][bad] = self._log_summary(nc[r[bad]], xc[r[bad]], pd[r[bad]], pw[r[bad]])

    def _log_summary(self, nc: np.ndarray, xc: np.ndarray, pd: np.ndarray, pw: np.ndarray) -> np.ndarray:
        """The posterior summaries computed in logs (robust, slower)."""
        log_w = np.hstack([xc, nc - xc]).astype(float) @ self.posterior.table + self.posterior.log_prior
        for j in range(pd.shape[1]):
            log_w += np.log1p(-pw[:, j, None] * self.p_grid[pd[:, j]])
        log_w -= log_w.max(axis=1, keepdims=True)
        wt = np.exp(log_w)
        return (wt @ self.functionals) / wt.sum(axis=1, keepdims=True)

    def summaries(self, s: CountState) -> tuple[np.ndarray, np.ndarray]:
        """With a clock, rows with pending patients get the TITE posterior; the others (and every row without a
        clock) the CRM's."""
        if not isinstance(s, PendingState) or not s.any_pending.any():
            return super().summaries(s)
        S = s.n.shape[0]
        p_low, rec = np.empty(S), np.empty(S, dtype=np.int64)
        pend = s.any_pending
        done = np.flatnonzero(~pend)
        if done.size:
            _, p_low[done], rec[done] = self.posterior_and_recommendation(s.n[done], s.x[done])
        p = np.flatnonzero(pend)
        beta, p_low[p] = self.tite_summary(s if done.size == 0 else s.subset(p))
        rec[p] = self.recommend(beta)
        return p_low, rec
