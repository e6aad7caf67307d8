"""Posteriors on a fixed parameter grid for a whole batch of count states: one matrix product per step."""

from __future__ import annotations

from functools import cache

import numpy as np

from ..engine.states import unique_rows

#: States × grid points per chunk of posterior weights (8 MB of float64).
CHUNK_CELLS = 1 << 20
#: Distinct states remembered across calls, and the largest batch looked up one by one (exact enumeration never
#: meets a state twice: each step has one more cohort; Monte Carlo chunks meet the same states at each step).
MEMO_STATES = 200_000
MEMO_LOOKUPS = 20_000


@cache
def _blas():
    """The BLAS controller: posteriors run single-threaded. A second BLAS thread buys nothing on these small
    products and, on a busy server (a room of kernels on two cores), made them 30-60× slower by contention."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def below_weights(grid: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Weights w (cuts × grid points) with sum(w[i] · f) / sum(f) ≈ P(theta < cuts[i]) for a smooth density f
    sampled on the uniform grid.

    Trapezoid rule up to the grid point below the cut with its Euler-Maclaurin end correction (−h²f'/12), and the
    rest of that cell integrated over the quadratic through the neighbouring points: third-order accurate, and
    continuous in the cut rather than jumping by whole cells as an indicator would.
    """
    cuts = np.asarray(cuts, dtype=float)
    w = (grid[None, :] < cuts[:, None]).astype(float)
    h = grid[1] - grid[0]
    j = np.searchsorted(grid, cuts) - 1  # grid[j] < cut <= grid[j + 1]
    r = np.flatnonzero((j >= 1) & (j < grid.size - 1))
    j = j[r]
    t = (cuts[r] - grid[j]) / h
    w[r, j - 1] += 1 / 24 + t ** 3 / 6 - t * t / 4
    w[r, j] = 0.5 + t - t ** 3 / 3
    w[r, j + 1] = -1 / 24 + t ** 3 / 6 + t * t / 4
    return w


class GridPosterior:
    """Binomial likelihood of per-dose counts times a prior, on a fixed grid of parameter points.

    `log_p` and `log_q` (doses × grid points) are log P(DLT) and log P(no DLT) at each dose under each grid
    point; `log_prior` (grid points) is the log prior density times the quadrature weight of the point.
    """

    def __init__(self, log_p: np.ndarray, log_q: np.ndarray, log_prior: np.ndarray):
        self.table = np.vstack([log_p, log_q])  # (2K × G): [x, n − x] @ table is the log-likelihood
        self.log_prior = np.asarray(log_prior, dtype=float)
        self._memo: dict[bytes, np.ndarray] = {}
        self._memo_for: np.ndarray | None = None
        # States computed since the memo was last filled, kept as arrays (their int16 rows, their summaries): they
        # go into the memo only when a later call could meet them again, which within one Monte Carlo chunk or one
        # enumeration never happens (every call has more patients than the last).
        self._unfiled: list[tuple[np.ndarray, np.ndarray]] = []
        self._stored = 0  # states in the memo and the unfiled blocks
        self._most_patients = -1  # the most patients of any state stored

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
        """Posterior expectations of the given functionals (grid points × m) for each state (states × m)."""
        out, inverse = self.summarise_distinct(n, x, functionals)
        return out[inverse]

    def summarise_distinct(self, n: np.ndarray, x: np.ndarray,
                           functionals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As `summarise`, per distinct state: (distinct states × m, each state's row in it).

        Each distinct count state is computed once: once per call, and once across calls for the same functionals
        (Monte Carlo chunks meet the same states again; states are remembered up to MEMO_STATES). Computed in
        chunks that keep the weights matrix small.
        """
        key = np.hstack([n, x])
        first, inverse = unique_rows(key)
        out = np.empty((first.size, functionals.shape[1]))
        if functionals is not self._memo_for or self._stored + first.size > MEMO_STATES:
            self._memo, self._memo_for, self._unfiled, self._stored, self._most_patients = {}, functionals, [], 0, -1
        remembered = first.size <= MEMO_LOOKUPS
        todo = np.arange(first.size)
        if remembered:
            rows16 = np.ascontiguousarray(key[first], dtype=np.int16)
            patients = n[first].sum(axis=1)
            if patients.size and patients.min() <= self._most_patients:  # states of this size were stored
                self._file()
                names = _names(rows16)
                hits = list(map(self._memo.get, names))
                done = [i for i, h in enumerate(hits) if h is not None]
                if done:
                    todo = np.setdiff1d(todo, done, assume_unique=True)
                    out[done] = np.array([hits[i] for i in done])
        step = max(1, CHUNK_CELLS // self.table.shape[1])
        with _blas().limit(limits=1, user_api="blas"):
            for i in range(0, todo.size, step):
                at = todo[i:i + step]
                rows = first[at]
                out[at] = self.weights(n[rows], x[rows]) @ functionals
        if remembered and todo.size:
            self._unfiled.append((rows16[todo], out[todo]))
            self._stored += todo.size
            self._most_patients = max(self._most_patients, int(patients[todo].max()))
        return out, inverse

    def _file(self) -> None:
        """Put the unfiled states into the memo."""
        for rows16, values in self._unfiled:
            self._memo.update(zip(_names(rows16), values))
        self._unfiled = []


def _names(rows16: np.ndarray) -> list[bytes]:
    """One bytes object per row of an int16 matrix (the memo's keys)."""
    return rows16.view(np.dtype((np.void, rows16.shape[1] * 2))).ravel().tolist()
