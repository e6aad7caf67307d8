"""Dose-transition pathways: time for every design, 3 cohorts ahead, against one-step transitions chained node by node.

Run: .venv/bin/python benchmarks/bench_pathways.py [--repeat 7]   (prints a table; `benchmarks/run.py` skips it)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from common import median_time  # noqa: E402

from explorer.core.designs import design_classes, find_design  # noqa: E402
from explorer.core.pathways import pathways  # noqa: E402
from explorer.core.transitions import one_step  # noqa: E402

TRUTH = np.array([0.05, 0.12, 0.25, 0.45])  # CAR4SAR-like Arm A, 4 doses


def internal_histories(design, history: str) -> list[str]:
    """The history of every node of the tree that has children."""
    p = pathways(design, history, 3, TRUTH)
    return [" ".join([history] + [n.cohort for n in p.path(node)[1:]]).strip()
            for node in p.nodes if node.depth < 3 and not node.then.stop]


def chained(design, histories: list[str]) -> None:
    """The same tree by one_step at every node with children (decide called per state, per path): the naive way."""
    for h in histories:
        one_step(design, h, TRUTH)


def main(argv: list[str]) -> int:
    """Time every design and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per case (median)")
    repeat = parser.parse_args(argv).repeat
    print("# dose-transition pathways, 3 cohorts ahead, 4 doses, default options; medians of repeated runs")
    head = (f"{'design':<8} {'history':<11} {'nodes':>6} {'states':>7} {'calls':>6} {'pathways ms':>12} "
            f"{'chained ms':>11}")
    print(head)
    print("-" * len(head))
    for method in design_classes():
        design = find_design(method)(4, 0.25, 0)
        for history in ("", "1NNN 2NTN"):
            p = pathways(design, history, 3, TRUTH)
            t = median_time(lambda d=design, h=history: pathways(d, h, 3, TRUTH), repeat=repeat)
            hs = internal_histories(design, history)
            tc = median_time(lambda d=design, h=hs: chained(d, h), repeat=max(1, repeat // 3))
            print(f"{method:<8} {history or '(start)':<11} {len(p.nodes):>6} {p.decided_states:>7} "
                  f"{p.decide_calls:>6} {t * 1e3:>12.1f} {tc * 1e3:>11.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
