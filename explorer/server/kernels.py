"""Voila's preheating kernel manager, for a room: pool kernels built in turn, and every kernel stopped on exit."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from voila.request_info_handler import RequestInfoSocketHandler

from .heating import HeatQueue

#: Longest wait for a kernel's notebook to reach wait_for_page() before its build counts as over anyway.
BUILD_TIMEOUT = 180.0


def room_kernel_manager(base: type, heat: HeatQueue) -> type:
    """Subclass Voila's kernel manager (`base`, made by voila_kernel_manager_factory with preheating on)."""

    class RoomKernelManager(base):  # type: ignore[misc, valid-type]
        """Each new kernel (for the pool, or for a page that found the pool empty) waits for its turn in `heat`,
        and keeps it until its notebook has built the app and waits for its page."""

        async def _initialize(self, notebook_path: str, kernel_id: str | None = None, **kwargs: Any) -> dict:
            if kernel_id is not None:  # a restart
                return await super()._initialize(notebook_path, kernel_id, **kwargs)
            me = asyncio.current_task()
            await heat.turn(lambda: me not in self._pools.get(notebook_path, ()))
            try:
                content = await super()._initialize(notebook_path, None, **kwargs)
                await self._built(content)
            finally:
                heat.done()
            return content

        async def _built(self, content: dict) -> None:
            """Wait until the kernel's notebook has run up to wait_for_page() (or has finished, or failed)."""
            deadline = time.monotonic() + BUILD_TIMEOUT
            task: asyncio.Task = content["task"]
            while (content["kernel_id"] not in RequestInfoSocketHandler._waiters and not task.done()
                   and time.monotonic() < deadline and content["kernel_id"] in self):
                await asyncio.sleep(0.05)

        async def shutdown_all(self, *args: Any, **kwargs: Any) -> None:
            heat.stop()
            await super().shutdown_all(*args, **kwargs)

    return RoomKernelManager
