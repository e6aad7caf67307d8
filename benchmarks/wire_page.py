"""A page of the explorer on the wire only: what a participant's browser asks of the server, with no drawing.

It fetches the Voila page, opens its kernel's websocket, asks for every widget's state at once (as the widget
manager of a Voila page does: the `jupyter.widget.control` comm), types into Arm A's truth box by sending the widget
update the page would send, and waits for the selection plot's next patch; on close it sends the page's shutdown
request. `benchmarks/room.py --wire` uses it to measure the server's side of a room whose browsers run on the
participants' own laptops (their drawing is then theirs, not the server's).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from typing import Any

from ipywidgets.widgets.widget import __control_protocol_version__ as CONTROL_VERSION
from ipywidgets.widgets.widget import __protocol_version__ as WIDGET_VERSION
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

AsyncHTTPClient.configure(None, max_clients=1000)  # a room's pages at once (tornado queues beyond 10 by default)

CONTROL = "jupyter.widget.control"


def _message(msg_type: str, content: dict[str, Any], session: str, version: str) -> dict[str, Any]:
    """A shell message as the page's kernel connection sends it (`version`: of the widget protocol spoken)."""
    return {"header": {"msg_id": uuid.uuid4().hex, "username": "room", "session": session, "msg_type": msg_type,
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {"version": version}, "content": content, "channel": "shell",
            "buffers": []}


def _decode(frame: str | bytes) -> dict[str, Any]:
    """A websocket frame as a message (binary frames: the legacy layout, offsets first, the JSON part first)."""
    if isinstance(frame, str):
        return json.loads(frame)
    n = int.from_bytes(frame[:4], "big")
    offsets = [int.from_bytes(frame[4 + 4 * i:8 + 4 * i], "big") for i in range(n)]
    return json.loads(frame[offsets[0]:offsets[1] if n > 1 else len(frame)])


class WirePage:
    """One page: `open` (seconds to every widget's state), `edit` (ms to the selection plot's next patch), `close`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = uuid.uuid4().hex
        self.ws: Any = None
        self.kernel = self.base = ""
        self.cookie = ""
        self.box = self.plot = ""
        self.patches: asyncio.Queue[float] = asyncio.Queue()
        self.states: asyncio.Future[dict] | None = None
        self._reader: asyncio.Task | None = None

    async def open(self, timeout: float) -> float:
        """Load the page and every widget's state; the seconds it took."""
        t0 = time.perf_counter()
        page = await AsyncHTTPClient().fetch(self.url, request_timeout=timeout, follow_redirects=True)
        found = re.search(r'"kernelId": "([^"]+)"', page.body.decode())
        if not found:
            raise RuntimeError("no kernel id in the page")
        self.kernel = found.group(1)
        self.cookie = "; ".join(c.split(";")[0] for c in page.headers.get_list("Set-Cookie"))
        self.base = base = page.effective_url.split("/voila/")[0]  # after `/`'s redirect to the notebook
        ws_url = base.replace("http", "ws", 1) + f"/api/kernels/{self.kernel}/channels?session_id={self.session}"
        self.ws = await websocket_connect(HTTPRequest(ws_url, headers={"Cookie": self.cookie}),
                                          max_message_size=1 << 30)
        self.states = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        control = uuid.uuid4().hex
        await self._send("comm_open", {"comm_id": control, "target_name": CONTROL, "data": {}}, CONTROL_VERSION)
        await self._send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}}, CONTROL_VERSION)
        states = await asyncio.wait_for(self.states, timeout)
        for model_id, s in states.items():
            classes = s.get("state", {}).get("_dom_classes", [])
            if "p1x-truth-1" in classes:
                self.box = model_id
            if "p1x-plot-selection" in classes:
                self.plot = model_id
        if not (self.box and self.plot):
            raise RuntimeError("the page has no truth box 1 or selection plot")
        return time.perf_counter() - t0

    async def edit(self, value: float, timeout: float = 60) -> float | None:
        """Type a value into Arm A's truth box 1; ms until the selection plot's next patch (None: none came)."""
        while not self.patches.empty():
            self.patches.get_nowait()
        t0 = time.perf_counter()
        await self._send("comm_msg", {"comm_id": self.box,
                                      "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})
        try:
            t = await asyncio.wait_for(self.patches.get(), timeout)
        except asyncio.TimeoutError:
            return None
        return (t - t0) * 1e3

    async def close(self) -> str | None:
        """As a closed tab: the page's shutdown request, then the socket closed; what went wrong, if anything."""
        xsrf = re.search(r"_xsrf=([^;]+)", self.cookie)
        problem = None
        if self.kernel:
            try:
                answer = await AsyncHTTPClient().fetch(
                    HTTPRequest(f"{self.base}/voila/api/shutdown/{self.kernel}", method="POST", body="",
                                headers={"Cookie": self.cookie, "X-XSRFToken": xsrf.group(1) if xsrf else ""}),
                    raise_error=False)
                if answer.code >= 400:
                    problem = f"shutdown answered {answer.code}"
            except OSError as e:
                problem = f"shutdown failed: {e}"
        if self._reader:
            self._reader.cancel()
        if self.ws:
            self.ws.close()
        return problem

    async def _send(self, msg_type: str, content: dict[str, Any], version: str = WIDGET_VERSION) -> None:
        await self.ws.write_message(json.dumps(_message(msg_type, content, self.session, version)))

    async def _read(self) -> None:
        while True:
            frame = await self.ws.read_message()
            if frame is None:
                return
            msg = _decode(frame)
            if msg.get("msg_type", msg.get("header", {}).get("msg_type")) != "comm_msg":
                continue
            data = msg["content"].get("data", {})
            if data.get("method") == "update_states" and self.states and not self.states.done():
                self.states.set_result(data.get("states", {}))
            elif msg["content"].get("comm_id") == self.plot and self.plot:
                self.patches.put_nowait(time.perf_counter())
