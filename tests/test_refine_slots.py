"""The server-wide cap on background refinement: at most N chunks at once across kernels, nothing left locked,
nothing at all outside `serve`; and the app's refinement waits for a slot but its first answer never does."""

from __future__ import annotations

import asyncio
import fcntl
import os

import pytest

from explorer.app import refine_slots
from explorer.app.refine_slots import SLOTS_ENV, Slots, make_slots, refine_slot


@pytest.fixture
def slots_dir(tmp_path, monkeypatch):
    folder = make_slots(tmp_path / "slots", 2)
    monkeypatch.setenv(SLOTS_ENV, str(folder))
    monkeypatch.setattr(refine_slots, "_slots", {})
    return folder


def test_no_server_no_slots(monkeypatch):
    monkeypatch.delenv(SLOTS_ENV, raising=False)

    async def run():
        async with refine_slot():
            return "ran"

    assert asyncio.run(run()) == "ran"


def test_at_most_n_hold_a_slot_and_every_kernel_gets_turns(slots_dir):
    # Each Slots object opens its own files, as each kernel process does, so their locks exclude each other.
    kernels = [Slots(slots_dir) for _ in range(5)]
    held, most, chunks = [0], [0], [0] * 5

    async def kernel(i: int) -> None:
        for _ in range(6):
            fd = await kernels[i].acquire()
            held[0] += 1
            most[0] = max(most[0], held[0])
            await asyncio.sleep(0.005)  # a chunk of work
            held[0] -= 1
            chunks[i] += 1
            kernels[i].release(fd)
            await asyncio.sleep(0)

    async def main():
        await asyncio.wait_for(asyncio.gather(*(kernel(i) for i in range(5))), 30)

    asyncio.run(main())
    assert most[0] == 2
    assert chunks == [6] * 5


def test_a_cancelled_wait_leaves_no_lock(slots_dir):
    a, b, c = Slots(slots_dir), Slots(slots_dir), Slots(slots_dir)
    fd1, fd2 = a.try_acquire(), a.try_acquire()
    assert fd1 is not None and fd2 is not None and a.try_acquire() is None  # both slots taken

    async def main():
        task = asyncio.create_task(b.acquire())
        await asyncio.sleep(0.05)
        assert a.others_waiting()  # b says it waits
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not a.others_waiting()
        a.release(fd1)
        assert c.try_acquire() is not None  # the freed slot is free for anyone

    asyncio.run(main())


def test_a_dead_holder_frees_its_slot(slots_dir):
    holder = Slots(slots_dir)
    fd = holder.try_acquire()
    other = Slots(slots_dir)
    first = other.try_acquire()  # the second slot
    assert first is not None and other.try_acquire() is None
    os.close(fd)  # what the system does when a kernel dies
    holder.held.discard(fd)
    assert other.try_acquire() is not None


def test_app_refinement_waits_for_a_slot_but_not_its_first_answer(slots_dir, monkeypatch):
    from explorer.app import ExplorerApp

    app = ExplorerApp(preset="car4sar-arm-a")
    blocker = Slots(slots_dir)
    taken = [blocker.try_acquire(), blocker.try_acquire()]  # the room's other kernels hold every slot
    assert None not in taken
    trials = 6000

    async def main():
        with app.batch():
            app.settings.method.value = "monte-carlo"
            app.settings.trials.value = trials
        first = app.snapshot
        assert first is not None and 0 < first.done < trials  # the quick answer came at once
        await asyncio.sleep(0.5)
        assert app.snapshot.done == first.done  # no refinement without a slot
        for fd in taken:
            blocker.release(fd)
        for _ in range(200):
            if app.snapshot.finished:
                break
            await asyncio.sleep(0.05)
        return first

    asyncio.run(main())
    assert app.snapshot.finished and app.snapshot.done == trials  # all the trials asked for, and no more
    fcntl.flock(taken[0], fcntl.LOCK_EX | fcntl.LOCK_NB)  # and the app gave its slot back
