"""The non-parametric optimal benchmark's cost: exact (multinomial sum) and 10,000 Monte Carlo trials.

Run: .venv/bin/python benchmarks/optimal_speed.py   (medians of repeated runs; printed, never asserted)
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import median_time  # noqa: E402

from explorer.core.engine import tolerances  # noqa: E402
from explorer.core.optimal import TooManyOutcomes, benchmark_exact, benchmark_monte_carlo  # noqa: E402

CASES = [  # (doses, patients)
    (4, 18), (4, 36), (5, 40), (6, 18), (6, 30), (6, 36),
]


def main() -> None:
    print("| doses | n | outcome vectors | exact | 10,000 Monte Carlo (incl. drawing u) | PCS exact | PCS MC ± SE |")
    print("|---|---|---|---|---|---|---|")
    for K, n in CASES:
        truth = np.round(1 / (1 + np.exp(-(np.log(0.25 / 0.75) + 0.8 * (np.arange(K) - K // 2)))), 3)

        def exact(n: int = n, truth: np.ndarray = truth) -> object:
            return benchmark_exact(n, truth, 0.25)

        def monte_carlo(n: int = n, truth: np.ndarray = truth) -> object:
            return benchmark_monte_carlo(tolerances(np.random.default_rng(1), 10_000, n), truth, 0.25)

        try:
            pcs = f"{exact().pcs:.3f}"
            t_exact = f"{1e3 * median_time(exact, repeat=3):.0f} ms"
        except TooManyOutcomes:
            pcs, t_exact = "–", "over the limit"
        mc = monte_carlo()
        print(f"| {K} | {n} | {math.comb(n + K, K):,} | {t_exact} | {1e3 * median_time(monte_carlo, repeat=5):.1f} ms "
              f"| {pcs} | {mc.pcs:.3f} ± {mc.stderr['pcs']:.3f} |")


if __name__ == "__main__":
    main()
