"""The page's computations: the pipeline's first snapshot at once, the rest in the background on the kernel's event
loop; a newer request makes the running one stale (it stops at its next chunk)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence

from ..core import pipeline
from ..core.pipeline import ResultCache, Snapshot
from ..core.protocol import Candidate, Protocol
from .refine_slots import refine_slot

#: Seconds between intermediate redraws while refining: fewer, fuller redraws keep the page snappy.
DRAW_EVERY = 0.25


class Refinement:
    """Runs the pipeline for the page: `start` returns the first snapshot (drawn by the caller), then calls
    `on_snapshot` for each later one worth drawing and `on_progress(fraction, seconds)` after every chunk."""

    def __init__(self, on_snapshot: Callable[[Snapshot], None],
                 on_progress: Callable[[float, float], None]) -> None:
        self.on_snapshot = on_snapshot
        self.on_progress = on_progress
        self.generation = 0
        self.task: asyncio.Task | None = None
        self.cache = ResultCache.from_environment()
        #: False while the app is being built: then everything is computed at once (no loop to refine on yet).
        self.background = True
        self._steps: Iterator[Snapshot] | None = None
        self._started = 0.0

    def start(self, protocol: Protocol, candidates: Sequence[Candidate]) -> Snapshot:
        """Stop stale work and compute the first snapshot now (the caller draws it, then calls `resume`). Raises
        ProtocolError when exact results are asked for and not available."""
        self.stop()
        self._steps = pipeline.stream(protocol, candidates, every=DRAW_EVERY, cache=self.cache)
        self._started = time.perf_counter()
        return next(self._steps)

    def resume(self) -> None:
        """Refine the started computation to the end: in the background on the kernel's loop, or now without one."""
        if self._steps is not None:
            steps, self._steps = self._steps, None
            self._continue(steps, self._started)

    def stop(self) -> None:
        """Make running work stale."""
        self.generation += 1
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def _continue(self, steps: Iterator[Snapshot], started: float) -> None:
        try:
            loop = asyncio.get_running_loop() if self.background else None
        except RuntimeError:
            loop = None
        if loop is None:  # building, or no kernel loop (tests, scripts): finish now
            for snap in steps:
                if snap.ocs is not None:
                    self.on_snapshot(snap)
            return
        self.task = loop.create_task(self._refine(steps, self.generation, started))

    async def _refine(self, steps: Iterator[Snapshot], generation: int, started: float) -> None:
        while True:
            await asyncio.sleep(0.001)  # let widget messages in: a moved control makes this work stale
            if generation != self.generation:
                return
            async with refine_slot():  # under `serve`, at most N kernels refine at once (app/refine_slots.py)
                snap = next(steps, None)
            if snap is None or generation != self.generation:
                return
            if snap.ocs is not None:
                self.on_snapshot(snap)
            self.on_progress(snap.done / snap.total, time.perf_counter() - started)
