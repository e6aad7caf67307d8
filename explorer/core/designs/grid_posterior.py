"""Posteriors on a fixed parameter grid for a whole batch of count states: one matrix product per step."""

from __future__ import annotations

import numpy as np


def unique_states(n: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of the distinct (n, x) count states, and for each row the index of its distinct state."""
    key = np.ascontiguousarray(np.hstack([n, x]).astype(np.int32))
    rows = key.view(np.dtype((np.void, key.dtype.itemsize * key.shape[1]))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    return first, inverse.ravel()


class GridPosterior:
    """Binomial likelihood of per-dose counts times a prior, on a fixed grid of parameter points.

    `log_p` and `log_q` (doses × grid points) are log P(DLT) and log P(no DLT) at each dose under each grid
    point; `log_prior` (grid points) is the log prior density times the quadrature weight of the point.
    """

    def __init__(self, log_p: np.ndarray, log_q: np.ndarray, log_prior: np.ndarray):
        self.table = np.vstack([log_p, log_q])  # (2K × G): [x, n − x] @ table is the log-likelihood
        self.log_prior = np.asarray(log_prior, dtype=float)

    def weights(self, n: np.ndarray, x: np.ndarray) -> np.ndarray:
        """Normalised posterior weights of the grid points for each state (states × grid points)."""
        counts = np.hstack([x, n - x]).astype(float)
        log_w = counts @ self.table
        log_w += self.log_prior
        log_w -= log_w.max(axis=1, keepdims=True)
        w = np.exp(log_w, out=log_w)
        w /= w.sum(axis=1, keepdims=True)
        return w

    def summarise(self, n: np.ndarray, x: np.ndarray, functionals: np.ndarray) -> np.ndarray:
        """Posterior expectations of the given functionals (grid points × m) for each state (states × m).

        Identical count states are computed once.
        """
        first, inverse = unique_states(n, x)
        return (self.weights(n[first], x[first]) @ functionals)[inverse]
