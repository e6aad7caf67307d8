"""Deciding once per distinct state (and remembering states across Monte Carlo chunks) gives exactly the numbers of
deciding trial by trial."""

from __future__ import annotations

import numpy as np
import pytest

import explorer
from explorer.core.designs import grid_posterior


def _per_trial(monkeypatch):
    """Every row its own state: no merging, no memory."""
    monkeypatch.setattr(grid_posterior, "unique_rows", lambda key: (np.arange(key.shape[0]), np.arange(key.shape[0])))
    monkeypatch.setattr(grid_posterior, "MEMO_LOOKUPS", -1)


@pytest.mark.parametrize("design", [{"method": "crm", "max_n": 12, "cohort_size": 1},
                                    {"method": "blrm", "max_n": 9, "cohort_size": 1},
                                    {"method": "crm", "max_n": 18, "model": "logistic"}])
def test_distinct_states_give_the_same_trials_as_trial_by_trial(monkeypatch, design):
    raw = {"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "design": design, "trials": 2500, "seed": 9,
           "method": "monte-carlo"}
    merged = explorer.simulate(raw).to_dict()
    with monkeypatch.context() as m:
        _per_trial(m)
        alone = explorer.simulate(raw).to_dict()
    assert merged == alone


def test_states_remembered_across_chunks_are_met_again_and_change_nothing(monkeypatch):
    """Monte Carlo in chunks meets the first chunk's states again: they are looked up, not recomputed, and the
    result equals one chunk's (where nothing is remembered) exactly."""
    from explorer.core import pipeline
    from explorer.core.validation import protocol_from_dict

    p = protocol_from_dict({"target": 0.25, "truth": [0.05, 0.12, 0.25, 0.45], "trials": 2000, "seed": 4,
                            "design": {"method": "crm", "max_n": 12, "cohort_size": 1}})
    computed = []
    weights = grid_posterior.GridPosterior.weights

    def counting(self, n, x):
        computed.append(n.shape[0])
        return weights(self, n, x)

    monkeypatch.setattr(grid_posterior.GridPosterior, "weights", counting)
    one = list(pipeline.stream(p, method="monte-carlo", first=2000, every=float("inf")))[-1]
    in_one = sum(computed)
    computed.clear()
    chunked = list(pipeline.stream(p, method="monte-carlo", first=300, chunk=500, every=float("inf")))[-1]
    assert chunked.to_dict() == one.to_dict()
    assert sum(computed) == in_one  # each distinct state computed once, whichever chunk met it first
    computed.clear()
    monkeypatch.setattr(grid_posterior, "MEMO_LOOKUPS", -1)  # nothing remembered: each chunk computes its own
    forgetful = list(pipeline.stream(p, method="monte-carlo", first=300, chunk=500, every=float("inf")))[-1]
    assert forgetful.to_dict() == one.to_dict()
    assert sum(computed) > 1.5 * in_one
