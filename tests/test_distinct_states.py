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
