"""A server-wide cap on background Monte Carlo refinement: N slots shared by every kernel of one `serve`.

`phase1-explorer serve` makes a folder with one lock file per slot (N = the machine's cores) and names it in
$PHASE1_EXPLORER_REFINE_SLOTS. A kernel holds a slot (an exclusive `flock` on one of the files) while it simulates
one refinement chunk, and gives it back between chunks, so at most N chunks run at once however many pages refine:
first answers, which never take a slot, keep the rest of the CPU. A kernel that dies frees its slot (the system
drops its locks). Without the variable (a notebook, tests, the command line) `refine_slot()` does nothing.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

SLOTS_ENV = "PHASE1_EXPLORER_REFINE_SLOTS"
POLL = 0.01  # seconds between two tries for a slot


def make_slots(folder: Path, count: int) -> Path:
    """Create the folder of `count` slot files (and the waiting room) for a server; returns the folder."""
    (folder / "waiting").mkdir(parents=True, exist_ok=True)
    for i in range(max(1, count)):
        (folder / f"slot-{i}").touch()
    return folder


class Slots:
    """The slots of one folder, seen from one process (each lock needs its own open file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files = [os.open(p, os.O_RDWR) for p in sorted(folder.glob("slot-*"))]
        self.held: set[int] = set()  # a lock already held through a file would be granted again: skip those
        self.waiting = os.open(folder / "waiting" / f"{os.getpid()}-{id(self)}", os.O_RDWR | os.O_CREAT, 0o600)

    def try_acquire(self) -> int | None:
        """Take a free slot if there is one (its file descriptor), else None; never blocks."""
        for fd in random.sample(self.files, len(self.files)):
            if fd in self.held:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.held.add(fd)
                return fd
            except BlockingIOError:
                continue
        return None

    def release(self, fd: int) -> None:
        """Give a slot back."""
        self.held.discard(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)

    def others_waiting(self) -> bool:
        """Whether another kernel waits for a slot (it holds the lock on its file in waiting/)."""
        mine = os.fstat(self.waiting).st_ino
        for entry in os.scandir(self.folder / "waiting"):
            if entry.inode() == mine:
                continue
            try:
                fd = os.open(entry.path, os.O_RDONLY)
            except FileNotFoundError:
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(fd, fcntl.LOCK_UN)
            except BlockingIOError:
                return True
            finally:
                os.close(fd)
        return False

    async def acquire(self) -> int:
        """Wait for a slot (polling, so a cancelled wait leaves nothing behind); say we wait while we do."""
        fd = self.try_acquire()
        if fd is not None:
            return fd
        fcntl.flock(self.waiting, fcntl.LOCK_EX)
        try:
            while (fd := self.try_acquire()) is None:
                await asyncio.sleep(POLL * random.uniform(0.5, 1.5))
            return fd
        finally:
            fcntl.flock(self.waiting, fcntl.LOCK_UN)


_slots: dict[str, Slots] = {}


def server_slots() -> Slots | None:
    """This process's view of its server's slots, or None when not under `serve`."""
    folder = os.environ.get(SLOTS_ENV)
    if not folder or not Path(folder).is_dir():
        return None
    if folder not in _slots:
        _slots[folder] = Slots(Path(folder))
    return _slots[folder]


@asynccontextmanager
async def refine_slot() -> AsyncIterator[None]:
    """Hold one of the server's refinement slots for one chunk of background work.

    On leaving, if another kernel is waiting, pause a moment before this one may ask again, so slots pass
    between kernels instead of going back to the one that just ran.
    """
    slots = server_slots()
    if slots is None:
        yield
        return
    fd = await slots.acquire()
    try:
        yield
    finally:
        slots.release(fd)
    if slots.others_waiting():
        await asyncio.sleep(3 * POLL)
