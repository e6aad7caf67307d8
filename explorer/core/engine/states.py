"""Distinct rows of integer state matrices: how trials (or exact paths) that reach the same state are merged."""

from __future__ import annotations

import numpy as np


def _packed(key: np.ndarray) -> np.ndarray | None:
    """Each row as one int64 (mixed radix: every column shifted to start at 0, its digit as wide as its range), or
    None when the rows' codes would not fit in 63 bits."""
    low = key.min(axis=0)
    span = key.max(axis=0).astype(np.int64) - low + 1
    if np.prod(span.astype(float)) >= 2.0 ** 63:
        return None
    # sum_j (key_j - low_j) * prod(span[:j]) by Horner's rule, a column at a time (an integer matrix product has no
    # BLAS and is about twice as slow)
    code = np.zeros(key.shape[0], dtype=np.int64)
    for j in range(key.shape[1] - 1, -1, -1):
        code *= span[j]
        code += key[:, j] - low[j]
    return code


def unique_rows(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For an integer matrix: the index of the first row of each distinct row, and for every row the number of its
    distinct row (rows packed into one integer each where they fit, else compared as raw bytes)."""
    if key.shape[0] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    packed = _packed(key)
    if packed is None:
        raw = np.ascontiguousarray(key, dtype=np.int32)
        packed = raw.view(np.dtype((np.void, raw.dtype.itemsize * raw.shape[1]))).ravel()
    _, first, inverse = np.unique(packed, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def merge_rows(key: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first row index of each distinct row of `key`, and the weights summed over each distinct row."""
    first, inverse = unique_rows(key)
    return first, np.bincount(inverse, weights=weights, minlength=first.size)
