"""Progressive two-arm OCs for one or several designs: exact where feasible, else Monte Carlo chunk by chunk.

Pure computation (no widgets), on compute.py's snapshot and chunk sizes. Every Monte Carlo design runs on the
same simulated patients (tolerance, Arm B eligibility and assignment coin of each patient enrolled), drawn chunk
by chunk from the protocol's seed in the layout `simulate_two_arms` uses, so the final figures of a single design
equal `phase1-explorer simulate`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..core.arms.engine import TwoArmResults, patient_draws, simulate_two_arms
from ..core.arms.oc import JointOC, exact_two_arms, summarise_two_arms
from ..core.arms.process import TwoArmProcess
from ..core.engine.exact import MAX_STATES, ExactTooLarge
from ..core.oc import OperatingCharacteristics
from ..core.protocol import Protocol
from .compute import CHUNK, DRAW_EVERY, FIRST_CHUNK, Snapshot, exact_where_feasible, refine

# "auto" in the app enumerates two arms only while that answers at once: up to 40,000 states takes 0.2-0.4 s
# here (every CAR4SAR-like setting with 18 patients fits), where BOIN in both arms with 24 patients needs up to
# 134,000 states and 2.8 s; beyond the budget, the first Monte Carlo chunk answers within 0.4 s in all.
# "exact" still enumerates up to MAX_STATES, as the command line's auto does.
AUTO_EXACT_STATES = 40_000


@dataclass(frozen=True)
class TwoArmOCs:
    """One design's per-arm OCs (Arm A, Arm B) and joint OCs."""

    arms: tuple[OperatingCharacteristics, OperatingCharacteristics]
    joint: JointOC


@dataclass(frozen=True)
class ArmsSnapshot(Snapshot):
    """A Snapshot whose OCs are two-arm OCs, one per design."""

    ocs: tuple[TwoArmOCs, ...] | None  # type: ignore[assignment]


def two_arm_inputs(p: Protocol) -> tuple[TwoArmProcess, tuple[np.ndarray, np.ndarray]]:
    """The process (both arms' designs and the arm design) and both truths of a two-arm protocol."""
    assert p.arm_design is not None
    designs = (p.arms[0].build_design(p.target), p.arms[1].build_design(p.target))
    return TwoArmProcess(designs, p.arm_design), (np.asarray(p.arms[0].truth), np.asarray(p.arms[1].truth))


def _merge(parts: list[TwoArmResults]) -> TwoArmResults:
    if len(parts) == 1:
        return parts[0]
    total = sum(p.trials or 0 for p in parts)
    return TwoArmResults(np.full(total, 1.0 / total), np.concatenate([p.Z for p in parts]), exact=False,
                         trials=total)


def _ocs(process: TwoArmProcess, res: TwoArmResults, truths: tuple[np.ndarray, np.ndarray],
         target: float) -> TwoArmOCs:
    arms, joint = summarise_two_arms(process, res, truths, target)
    return TwoArmOCs((arms[0], arms[1]), joint)


def progressive_two_arm_ocs(protocols: list[Protocol], first: int = FIRST_CHUNK, chunk: int = CHUNK,
                            every: float = DRAW_EVERY) -> Iterator[ArmsSnapshot]:
    """Yield a snapshot after every chunk of trials: the quick answer first, the last one final."""
    base = protocols[0]
    inputs = [two_arm_inputs(p) for p in protocols]

    over_budget = []  # designs that "exact" would still enumerate

    def run_exact(i: int) -> TwoArmOCs:
        auto = protocols[i].method == "auto"
        try:
            arms, joint = exact_two_arms(*inputs[i], protocols[i].target, AUTO_EXACT_STATES if auto else MAX_STATES)
        except ExactTooLarge:
            if auto and all(d.exact for d in inputs[i][0].designs):
                over_budget.append(i)
            raise
        return TwoArmOCs((arms[0], arms[1]), joint)

    exact, notes = exact_where_feasible(protocols, run_exact)
    if over_budget:
        notes.append("Choose exact to enumerate anyway (slower).")
    mc = [i for i in range(len(protocols)) if i not in exact]
    rng = np.random.default_rng(base.seed)
    width = max((inputs[i][0].max_total for i in mc), default=0)

    def run_chunk(size: int) -> dict[int, TwoArmResults]:
        draws = patient_draws(rng, size, width)  # the same patients for every design (paired)
        return {i: simulate_two_arms(*inputs[i], size, rng, draws=draws) for i in mc}

    yield from refine(ArmsSnapshot, len(protocols), exact, notes, base.trials, run_chunk, _merge,
                      lambda i, res: _ocs(inputs[i][0], res, inputs[i][1], protocols[i].target), first, chunk, every)
