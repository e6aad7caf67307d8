"""Engines that run one arm's design under a truth: Monte Carlo over batches, and exact enumeration."""

from .exact import enumerate_exact
from .montecarlo import simulate, simulate_trial, tolerances
from .results import Outcomes, TrialResults, merge_chunks

__all__ = ["Outcomes", "TrialResults", "enumerate_exact", "merge_chunks", "simulate", "simulate_trial",
           "tolerances"]
