"""Distinct rows of integer state matrices: how trials (or exact paths) that reach the same state are merged."""

from __future__ import annotations

import numpy as np


def unique_rows(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For an integer matrix: the index of the first row of each distinct row, and for every row the number of its
    distinct row (rows compared as raw bytes, in one sort)."""
    key = np.ascontiguousarray(key, dtype=np.int32)
    rows = key.view(np.dtype((np.void, key.dtype.itemsize * key.shape[1]))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    return first, inverse.ravel()


def merge_rows(key: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first row index of each distinct row of `key`, and the weights summed over each distinct row."""
    first, inverse = unique_rows(key)
    return first, np.bincount(inverse, weights=weights, minlength=first.size)
