"""Progressive OCs for one or several designs: exact where possible, else Monte Carlo refined chunk by chunk.

Pure computation (no widgets). All Monte Carlo designs run on the same simulated patients (paired), drawn
chunk by chunk from the protocol's seed; NumPy fills draws in order, so the chunks equal one big draw.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from ..core.engine import ExactTooLarge, TrialResults, enumerate_exact, simulate
from ..core.errors import Problem, ProtocolError
from ..core.oc import OperatingCharacteristics, summarise
from ..core.protocol import Protocol

FIRST_CHUNK = 300
CHUNK = 2000
DRAW_EVERY = 0.25  # seconds between intermediate summaries while refining: fewer, fuller redraws keep the page snappy
T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S", bound="Snapshot")


@dataclass(frozen=True)
class Snapshot:
    """The OCs of every design so far, and how far the Monte Carlo has got."""

    ocs: tuple[OperatingCharacteristics, ...] | None  # None: progress only (not worth drawing yet)
    done: int  # trials simulated so far (0 when everything is exact)
    total: int
    notes: tuple[str, ...] = ()

    @property
    def finished(self) -> bool:
        """Whether these are the final figures."""
        return self.done >= self.total


def _merge(parts: list[TrialResults]) -> TrialResults:
    if len(parts) == 1:
        return parts[0]
    total = sum(p.trials or 0 for p in parts)
    return TrialResults(np.full(total, 1.0 / total), np.concatenate([p.selected for p in parts]),
                        np.concatenate([p.n for p in parts]), np.concatenate([p.x for p in parts]),
                        exact=False, trials=total, max_n=parts[0].max_n)


def exact_where_feasible(protocols: list[Protocol], run: Callable[[int], T]) -> tuple[dict[int, T], list[str]]:
    """`run(i)` for each protocol whose method allows exact results; where that is too large, a note ("auto") or
    an error naming the design ("exact")."""
    exact: dict[int, T] = {}
    notes: list[str] = []
    for i, p in enumerate(protocols):
        if p.method in ("auto", "exact"):
            try:
                exact[i] = run(i)
            except ExactTooLarge as e:
                if p.method == "exact":
                    raise ProtocolError(Problem("method", f"exact results are not available ({e}); choose "
                                                          f"Monte Carlo or auto.")) from None
                notes.append(f"Monte Carlo used ({e}).")
    return exact, notes


def progressive_ocs(protocols: list[Protocol], first: int = FIRST_CHUNK, chunk: int = CHUNK,
                    every: float = DRAW_EVERY) -> Iterator[Snapshot]:
    """Yield a snapshot after every chunk of trials: the quick answer first, the last one final.

    In between, OCs are summarised (and worth drawing) only every `every` seconds; other snapshots carry
    progress only, so a caller can still drop stale work between chunks without flooding the page.
    """
    base = protocols[0]
    truth = np.asarray(base.truth)
    designs = [p.build_design() for p in protocols]
    intervals = [d.acceptable_interval() for d in designs]
    exact, notes = exact_where_feasible(protocols, lambda i: summarise(
        enumerate_exact(designs[i], truth), truth, protocols[i].target, intervals[i]))
    mc = [i for i in range(len(protocols)) if i not in exact]
    rng = np.random.default_rng(base.seed)
    width = max((designs[i].max_n for i in mc), default=0)

    def run_chunk(size: int) -> dict[int, TrialResults]:
        u = rng.random((size, width))  # the same patients for every design (paired)
        return {i: simulate(designs[i], truth, size, rng, u=u[:, : designs[i].max_n]) for i in mc}

    yield from refine(Snapshot, len(protocols), exact, notes, base.trials, run_chunk, _merge,
                      lambda i, res: summarise(res, truth, protocols[i].target, intervals[i]), first, chunk, every)


def refine(snapshot: Callable[..., S], count: int, exact: dict[int, T], notes: list[str], total: int,
           run_chunk: Callable[[int], dict[int, R]], merge: Callable[[list[R]], R],
           summarise_one: Callable[[int, R], T], first: int, chunk: int, every: float) -> Iterator[S]:
    """Snapshots of `count` designs: the exact ones as they are, the others simulated `run_chunk(size)` at a time
    (the first chunk small, for a quick answer) up to `total` trials, summarised at most every `every` seconds
    and at the end."""
    mc = [i for i in range(count) if i not in exact]
    if not mc:
        yield snapshot(tuple(exact[i] for i in range(count)), 0, 0, tuple(notes))
        return
    parts: dict[int, list[R]] = {i: [] for i in mc}
    done, size, last = 0, min(first, total), -float("inf")
    while done < total:
        for i, res in run_chunk(size).items():
            parts[i].append(res)
        done += size
        if done < total and time.perf_counter() - last < every:
            yield snapshot(None, done, total, tuple(notes))
        else:
            for i in mc:  # merge once, so later merges do not redo the work
                parts[i] = [merge(parts[i])]
            ocs = [exact[i] if i in exact else summarise_one(i, parts[i][0]) for i in range(count)]
            last = time.perf_counter()
            yield snapshot(tuple(ocs), done, total, tuple(notes))
        size = min(chunk, total - done)
