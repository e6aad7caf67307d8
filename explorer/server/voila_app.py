"""Voila, as `phase1-explorer serve` runs it: the packaged notebooks, a room's kernel pool, nothing from outside."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import psutil
import tornado.web
import voila.app
from bokeh.util.paths import bokehjs_path
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from .heating import HeatQueue
from .kernels import room_kernel_manager

EXPLORER = "notebooks/explorer.ipynb"  # under the served folder, as on Binder: /voila/render/notebooks/...
BOKEHJS_ROUTE = "p1x/bokeh/"  # BokehJS from the bokeh package, for the page template (never a CDN)


class PageHandler(TornadoVoilaHandler):
    """A notebook page that also sets the `_xsrf` cookie: Voila's page sends it back in the form of its
    `POST /voila/api/shutdown/<kernel>` when it closes, and without the cookie that request is refused (403)."""

    async def get(self, path: str | None = None) -> None:
        self.xsrf_token  # noqa: B018 - reading it sets the cookie
        self.settings["p1x_heat"].page_came()
        await super().get(path)


class ExplorerRedirect(tornado.web.RedirectHandler):
    """`/` opens the explorer (the query string, e.g. ?theme=dark, goes along)."""


class RoomVoila(Voila):
    """Voila in directory mode on the package folder, with `/` → the explorer, a heat queue for its kernel pool,
    and every kernel it started stopped when it stops (Ctrl-C or SIGTERM)."""

    heat: HeatQueue

    def init_settings(self) -> dict:
        factory = voila.app.voila_kernel_manager_factory

        def room_factory(*args: Any, **kwargs: Any) -> type:
            return room_kernel_manager(factory(*args, **kwargs), self.heat)

        voila.app.voila_kernel_manager_factory = room_factory  # used by Voila.init_settings only
        try:
            return super().init_settings()
        finally:
            voila.app.voila_kernel_manager_factory = factory

    def init_webapp_settings(self) -> None:
        """Settings the handlers read."""
        self.tornado_settings = {**self.tornado_settings, "p1x_heat": self.heat}

    def init_handlers(self) -> list:
        handlers = []
        for pattern, handler, *rest in super().init_handlers():
            if handler is TornadoVoilaHandler:
                handler = PageHandler
            elif handler is TornadoVoilaTreeHandler and pattern == self.server_url:
                handler, rest = ExplorerRedirect, [{"url": url_path_join(self.server_url, "voila/render", EXPLORER),
                                                  "permanent": False}]
            handlers.append((pattern, handler, *rest))
        handlers.insert(0, (url_path_join(self.server_url, BOKEHJS_ROUTE, "static/(.*)"), tornado.web.StaticFileHandler,
                            {"path": bokehjs_path()}))
        return handlers

    def start(self) -> None:
        self.init_webapp_settings()
        IOLoop.current().add_callback(self._on_signals)
        super().start()

    def _on_signals(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda s=sig: asyncio.ensure_future(self._stop_on(s)))

    async def _stop_on(self, sig: int) -> None:
        """Stop every kernel while the loop still runs (kernels still starting included), then the loop."""
        self.log.info("%s: stopping every kernel, then the server", signal.Signals(sig).name)
        try:
            await asyncio.wait_for(self.kernel_manager.shutdown_all(), 20)
        except Exception as e:  # the leftovers are killed in stop()
            self.log.warning("shutting kernels down: %s", e)
        IOLoop.current().stop()

    def stop(self) -> None:
        try:
            super().stop()
        finally:
            kill_kernels(self.connection_dir)


def kill_kernels(connection_dir: str, grace: float = 5.0) -> None:
    """Terminate, then kill, any kernel this server started that is still alive (one caught mid-start): the
    children whose command line names a connection file in `connection_dir`."""
    children = []
    for p in psutil.Process().children(recursive=True):
        try:
            if any(connection_dir in part for part in p.cmdline()):
                children.append(p)
        except psutil.Error:
            pass
    for p in children:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(children, timeout=grace)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass


def served_folder() -> Path:
    """The package folder whose notebooks/ holds explorer.ipynb and the teaching notebooks."""
    return Path(__file__).resolve().parents[1]
