"""Shared browser-test helpers: starting Voila on a free port, launching Chromium, reading BokehJS data."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
APP_PATH = "/voila/render/notebooks/explorer.ipynb"  # as on Binder; `/` redirects here

# Find a ColumnDataSource in any Bokeh document by its name ("selection-b") or the names of its columns, and
# return one column.
JS_COLUMN = """([cols, col]) => {
  for (const doc of [...Bokeh.documents].reverse())
    for (const m of doc.all_models)
      if (m.type === 'ColumnDataSource') {
        const d = m.data; const keys = d instanceof Map ? [...d.keys()] : Object.keys(d);
        const hit = typeof cols === 'string' ? m.name === cols : cols.every(c => keys.includes(c));
        if (hit) { const v = d instanceof Map ? d.get(col) : d[col];
          return v ? Array.from(v, x => Array.isArray(x) ? x.join('|') : x) : null; }
      }
  return null; }"""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(port: int, extra: list[str] | None = None, python: str = sys.executable, cwd: Path | None = None,
                env: dict | None = None, wait: float = 60) -> subprocess.Popen:
    """`phase1-explorer serve` on 127.0.0.1:port, run from a folder outside the checkout (`cwd`, default a new
    temporary one), with a small pool unless `extra` says otherwise."""
    cmd = [python, "-m", "explorer.cli", "serve", "--no-browser", f"--port={port}", "--pool=2", *(extra or [])]
    return launch_server(cmd, port, cwd=cwd or Path(tempfile.mkdtemp(prefix="serve-cwd-")), env=env, wait=wait)


def server_log(proc: subprocess.Popen) -> str:
    """What the server printed so far."""
    proc.log.seek(0)  # type: ignore[attr-defined]
    return proc.log.read().decode(errors="replace")  # type: ignore[attr-defined]


def launch_server(cmd: list[str], port: int, cwd: Path = ROOT, env: dict | None = None,
                  wait: float = 60) -> subprocess.Popen:
    """Start a server in its own process group, its log in a temporary file, and wait for its port."""
    log = tempfile.TemporaryFile()  # not a pipe: a full pipe would block Voila
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, start_new_session=True,
                            stdout=log, stderr=subprocess.STDOUT)
    proc.log = log  # type: ignore[attr-defined]
    wait_for_port(proc, port, wait)
    return proc


def wait_for_port(proc: subprocess.Popen, port: int, wait: float = 60) -> None:
    """Wait until the server accepts connections (fail if it exits or takes over `wait` seconds)."""
    deadline = time.time() + wait
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited: " + server_log(proc)[-2000:])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError(f"the server did not start listening within {wait:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """Stop the server (SIGTERM to its process group, SIGKILL if it lingers)."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def launch(playwright):
    """Debian's Chromium, headless, through Playwright (no `playwright install`)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def open_app(page, base_url: str, theme: str = "light", preset: str | None = None, timeout: float = 240_000) -> None:
    """Load the app (with a preset: ?preset=car4sar-arm-a) and wait until the plots' data is in BokehJS."""
    query = f"?theme={theme}" + (f"&preset={preset}" if preset else "")
    page.goto(f"{base_url}{APP_PATH}{query}", wait_until="commit", timeout=timeout)
    page.wait_for_selector(".p1x-app", timeout=timeout)
    page.wait_for_function("(a) => window.Bokeh && (" + JS_COLUMN + ")(a) !== null", arg=list(SELECTION),
                           timeout=timeout)


def open_section(page, css: str) -> None:
    """Open a collapsed section of the controls column (its class, e.g. "p1x-section-settings")."""
    section = page.locator(f".{css}")
    if not section.locator(".jupyter-widget-Collapse-open, .p-Collapse-open").count():
        section.locator(".jupyter-widget-Collapse-header, .p-Collapse-header").first.click()


def open_tab(page, title: str) -> None:
    """Show a tab of the results (e.g. "What next")."""
    page.locator(".p1x-tabs .lm-TabBar-tab, .p1x-tabs .p-TabBar-tab", has_text=title).first.click()


def column(page, cols: str | list[str], col: str) -> list | None:
    """A column of the Bokeh ColumnDataSource named `cols` (or the first having all of the columns `cols`)."""
    return page.evaluate(JS_COLUMN, [cols, col])


ONE_ARM = "car4sar-arm-a"  # the single-arm preset; the app opens on the two-arm one
SELECTION = ("selection", "value")  # Arm A's with two arms
DESIGN = ("selection", "design")  # the designs' names as users know them, one per bar
SELECTION_B = ("selection-b", "value")
TRUTH = ("truth", "y")
TRUTH_B = ("truth-b", "y")
