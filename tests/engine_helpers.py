"""Running one design directly on the engines, for tests of designs and engines (everything else goes through the
pipeline, as the command line and the app do)."""

from __future__ import annotations

import numpy as np

from explorer.core.designs.base import Design
from explorer.core.engine import TrialResults, simulate, tolerances


def simulate_trials(design: Design, truth, trials: int, rng: np.random.Generator) -> TrialResults:
    """`trials` Monte Carlo trials of the design on fresh patients drawn from rng."""
    return simulate(design, np.asarray(truth, dtype=float), tolerances(rng, trials, design.max_n))
