"""Who may build a kernel's app next: kernels a page is waiting for first, then background refills of the pool.

Building the app is the costly part of a page (1-3 s of CPU). When a room opens its pages together, kernels that
pages already wait for are built first, in the order the pages came, a few at a time (one per core); refills of
the preheated pool go one at a time, only while no page waits and no page has come for `quiet` seconds: while a
room opens its pages, their browsers and kernels get the CPU, and the pool fills again once the room has settled.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable

POLL = 0.05


class ServerStopping(RuntimeError):
    """The server is stopping: a kernel not yet built will not be."""


class HeatQueue:
    """Turns for building kernels: `claimed_limit` at once for kernels pages wait for, `refill_limit` for refills."""

    def __init__(self, claimed_limit: int, refill_limit: int = 1, quiet: float = 5.0) -> None:
        self.claimed_limit = max(1, claimed_limit)
        self.refill_limit = max(1, refill_limit)
        self.quiet = quiet
        self.last_page = -float("inf")
        self.building = 0
        self.stopping = False
        self._tickets = itertools.count()
        self._waiting: dict[int, Callable[[], bool]] = {}  # ticket -> is the kernel claimed by a page?

    def _may_go(self, ticket: int) -> bool:
        claimed = {t for t, is_claimed in self._waiting.items() if is_claimed()}
        if ticket in claimed:
            return self.building < self.claimed_limit and ticket == min(claimed)
        return (not claimed and self.building < self.refill_limit and ticket == min(self._waiting)
                and time.monotonic() - self.last_page >= self.quiet)

    def page_came(self) -> None:
        """A page was asked for: refills wait until pages have stopped coming for a while."""
        self.last_page = time.monotonic()

    async def turn(self, is_claimed: Callable[[], bool]) -> None:
        """Wait until this kernel may be built (`is_claimed()` tells whether a page waits for it now)."""
        ticket = next(self._tickets)
        self._waiting[ticket] = is_claimed
        try:
            while True:
                if self.stopping:
                    raise ServerStopping("the server is stopping")
                if self._may_go(ticket):
                    self.building += 1
                    return
                await asyncio.sleep(POLL)
        finally:
            del self._waiting[ticket]

    def done(self) -> None:
        """A kernel's build has finished (or failed): its turn is over."""
        self.building -= 1

    def stop(self) -> None:
        """Build nothing more."""
        self.stopping = True
