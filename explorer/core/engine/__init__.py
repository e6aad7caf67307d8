"""Engines that run a design under a truth: Monte Carlo over batches, and exact enumeration."""

from .exact import ExactTooLarge, enumerate_exact
from .montecarlo import simulate, simulate_trial, tolerances
from .results import TrialResults

__all__ = ["ExactTooLarge", "TrialResults", "enumerate_exact", "simulate", "simulate_trial", "tolerances"]
