"""A room on one server: N pages opened together in headless Chromium against one `phase1-explorer serve`.

Prints, per N: pages rendered, time to first widget and to the plots' data (p50/p95), edit → new plot data
latency (p50/p95) while all N pages are open and editing, the server's peak memory (RSS of the server and its
kernels), and the kernels still alive 60 s after the pages close.

Run: .venv/bin/python benchmarks/room.py [--pages 1 10 30] [--pool 10] [--edits 4] [--serve-arg=--cull-idle=120]
     .venv/bin/python benchmarks/room.py --wire ...   (no browser: each page only asks what a browser would ask)
     .venv/bin/python benchmarks/room.py --url http://127.0.0.1:8866/ --pid PID   (a server already running)
The server is started from a temporary folder (as a user would, away from the checkout) in its own process group.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, JS_COLUMN, free_port, wait_for_port  # noqa: E402

# Type a value into Arm A's truth box as a user would (the widget commits on "change"), then count the ms until
# the truth plot shows it and the selection plot has new data.
JS_EDIT = """async ([box, value]) => {
  const col = (cols, c) => (""" + JS_COLUMN + """)([cols, c]);
  const read = () => JSON.stringify(col("selection", "value"));
  const input = document.querySelector(`.p1x-truth-${box} input`);
  const before = read();
  const t0 = performance.now();
  input.value = String(value);
  input.dispatchEvent(new Event('change', {bubbles: true}));
  while (read() === before || col("truth", "y")[box] !== value) {
    await new Promise(r => setTimeout(r, 5));
    if (performance.now() - t0 > 60000) return null;
  }
  return performance.now() - t0;
}"""
FIRST_WIDGET = ".widget-text, .widget-dropdown"
PLOTS_READY = "(a) => window.Bokeh && (" + JS_COLUMN + ")(a) !== null"


def percentile(xs: list[float], q: float) -> float:
    """The q-th percentile (nearest rank); nan for no data."""
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def tree(pid: int) -> list[psutil.Process]:
    """The server process and all its descendants (the kernels)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def settle(pid: int, pool: int, longest: float) -> None:
    """Wait until the server's pool is full and the server and its kernels are quiet (under 10% of a core)."""
    def cpu() -> float:
        t = 0.0
        for p in tree(pid):
            try:
                c = p.cpu_times()
                t += c.user + c.system
            except psutil.Error:
                pass
        return t

    deadline = time.time() + longest
    while time.time() < deadline:
        before = cpu()
        time.sleep(3)
        if kernels(pid) >= pool and (cpu() - before) / 3 < 0.1:
            return
    print(f"  the pool was not ready within {longest:.0f} s; measuring anyway", file=sys.stderr)


def kernels(pid: int) -> int:
    """How many kernel processes the server has."""
    n = 0
    for p in tree(pid)[1:]:
        try:
            n += any("ipykernel" in part for part in p.cmdline())
        except psutil.Error:
            pass
    return n


class MemorySampler(threading.Thread):
    """Samples the summed RSS of the server's process tree every 0.5 s; `peak` holds the largest."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0, threading.Event()
        self.seen: set[psutil.Process] = set()

    def run(self) -> None:
        while not self.stopped.is_set():
            total = 0
            for p in tree(self.pid):
                try:
                    total += p.memory_info().rss
                    self.seen.add(p)
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self.stopped.wait(0.5)


class Server:
    """`phase1-explorer serve` from a temporary folder, in its own process group."""

    def __init__(self, serve_args: list[str]) -> None:
        self.port = free_port()
        self.cwd = tempfile.mkdtemp(prefix="room-")
        cmd = [sys.executable, "-m", "explorer.cli", "serve", "--no-browser", "--port", str(self.port), *serve_args]
        self.log = open(Path(self.cwd) / "serve.log", "wb")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the checkout's code, whether or not it is pip-installed
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.proc.log = open(self.log.name, "rb")  # type: ignore[attr-defined]  # wait_for_port reads it
        wait_for_port(self.proc, self.port)
        self.url = f"http://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        """SIGTERM, as Ctrl-C would; then make sure nothing is left."""
        try:
            os.kill(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


async def open_page(browser, url: str, timeout: float, result: dict) -> tuple:
    """Open one page; record seconds to the first widget and to the plots' data (None if not within timeout)."""
    context = await browser.new_context(viewport={"width": 1600, "height": 1000})
    page = await context.new_page()
    result.update(widget=None, plots=None, errors=[])
    page.on("pageerror", lambda e: result["errors"].append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: result["errors"].append(f"requestfailed: {r.url} {r.failure}"))
    t0 = time.perf_counter()
    try:
        await page.goto(url, wait_until="commit", timeout=timeout * 1000)
        await page.wait_for_selector(FIRST_WIDGET, timeout=timeout * 1000)
        result["widget"] = time.perf_counter() - t0
        await page.wait_for_function(PLOTS_READY, arg=["selection", "value"],
                                     timeout=max(1.0, timeout - result["widget"]) * 1000)
        result["plots"] = time.perf_counter() - t0
    except Exception as e:  # a timeout: the page did not render in time
        result["errors"].append(f"{type(e).__name__}: {str(e).splitlines()[0]}")
    return context, page


async def edit(page, index: int, edits: int, rng: random.Random) -> list[float]:
    """`edits` truth edits at a person's pace (1-3 s apart); the ms each took to reach the plots."""
    out = []
    for k in range(edits):
        await asyncio.sleep(rng.uniform(1.0, 3.0))
        value = round(0.10 + 0.003 * ((index * 7 + k) % 25), 3)  # distinct per page: no shared answer
        try:
            ms = await page.evaluate(JS_EDIT, [1, value])
        except Exception:
            ms = None
        out.append(float("inf") if ms is None else ms)
    return out


async def room(url: str, pid: int | None, pages: int, gap: float, edits: int, timeout: float,
               after: float) -> dict:
    """Open `pages` pages `gap` s apart, edit on all of them at once, close them; what was measured."""
    from playwright.async_api import async_playwright

    sampler = MemorySampler(pid) if pid else None
    if sampler:
        sampler.start()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        results = [{} for _ in range(pages)]
        tasks = []
        for i in range(pages):
            tasks.append(asyncio.create_task(open_page(browser, url, timeout, results[i])))
            await asyncio.sleep(gap)
        opened = await asyncio.gather(*tasks)
        rendered = [i for i, r in enumerate(results) if r["plots"] is not None]
        rng = random.Random(1)
        lat = await asyncio.gather(*(edit(opened[i][1], i, edits, random.Random(rng.random())) for i in rendered))
        for _, page in opened:
            await page.close(run_before_unload=True)  # as a closed tab: the page asks the server to free its kernel
        await asyncio.sleep(2)
        for context, _ in opened:
            await context.close()
        await browser.close()
    return _after_closing(pid, sampler, pages, results, lat, after)


async def room_on_wire(url: str, pid: int | None, pages: int, gap: float, edits: int, timeout: float,
                       after: float) -> dict:
    """As `room`, with each page on the wire only (benchmarks/wire_page.py): the server's side of a room whose
    browsers draw on the participants' own laptops."""
    from wire_page import WirePage

    sampler = MemorySampler(pid) if pid else None
    if sampler:
        sampler.start()
    results = [{"widget": None, "plots": None, "errors": []} for _ in range(pages)]
    opened = [WirePage(url) for _ in range(pages)]

    async def one(i: int) -> None:
        try:
            results[i]["widget"] = results[i]["plots"] = await opened[i].open(timeout)
        except Exception as e:
            results[i]["errors"].append(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}")

    async def edit_wire(i: int, rng: random.Random) -> list[float]:
        out = []
        for k in range(edits):
            await asyncio.sleep(rng.uniform(1.0, 3.0))
            ms = await opened[i].edit(round(0.10 + 0.003 * ((i * 7 + k) % 25), 3))
            out.append(float("inf") if ms is None else ms)
        return out

    tasks = []
    for i in range(pages):
        tasks.append(asyncio.create_task(one(i)))
        await asyncio.sleep(gap)
    await asyncio.gather(*tasks)
    rendered = [i for i, r in enumerate(results) if r["plots"] is not None]
    rng = random.Random(1)
    lat = await asyncio.gather(*(edit_wire(i, random.Random(rng.random())) for i in rendered))
    for r, problem in zip(results, await asyncio.gather(*(page.close() for page in opened))):
        if problem:
            r["errors"].append(problem)
    return _after_closing(pid, sampler, pages, results, lat, after)


def _after_closing(pid: int | None, sampler: MemorySampler | None, pages: int, results: list[dict],
                   lat: list[list[float]], after: float) -> dict:
    """Wait `after` seconds once the pages are closed; what was measured."""
    rendered = [r for r in results if r["plots"] is not None]
    closed = time.perf_counter()
    if sampler:
        sampler.stopped.set()
    alive_soon = kernels(pid) if pid else None
    while pid and time.perf_counter() - closed < after:
        time.sleep(1)
    widgets = [r["widget"] for r in results if r["widget"] is not None]
    plots = [r["plots"] for r in results if r["plots"] is not None]
    edits_ms = [x for xs in lat for x in xs]
    return {"pages": pages, "rendered": len(rendered), "widget": widgets, "plots": plots, "edits": edits_ms,
            "peak": sampler.peak if sampler else None, "alive_soon": alive_soon,
            "alive": kernels(pid) if pid else None, "seen": sampler.seen if sampler else set(),
            "errors": [e for r in results for e in r["errors"]]}


def row(r: dict) -> str:
    """One table row."""
    def pp(xs: list[float], unit: str = "s", scale: float = 1.0, fmt: str = ".1f") -> str:
        return f"{percentile(xs, 50) * scale:{fmt}} / {percentile(xs, 95) * scale:{fmt}} {unit}" if xs else "–"

    mem = f"{r['peak'] / 2**30:.2f} GiB" if r["peak"] else "–"
    alive = "–" if r["alive"] is None else f"{r['alive']} ({r['alive_soon']} at once)"
    slow = sum(1 for x in r["edits"] if x == float("inf"))
    edits = pp([x for x in r["edits"] if x != float("inf")], "ms", 1.0, ".0f") + (f", {slow} lost" if slow else "")
    return (f"| {r['pages']} | {r['rendered']} of {r['pages']} | {pp(r['widget'])} | {pp(r['plots'])} | {edits} "
            f"({len(r['edits'])}) | {mem} | {alive} |")


def main() -> None:
    """Measure each room size against a fresh server (or the one given) and print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, nargs="+", default=[1, 10, 30])
    ap.add_argument("--gap", type=float, default=0.3, help="seconds between opening two pages (default 0.3)")
    ap.add_argument("--edits", type=int, default=4, help="edits per page once all are open (default 4)")
    ap.add_argument("--timeout", type=float, default=240, help="seconds a page may take to render (default 240)")
    ap.add_argument("--after", type=float, default=60, help="count kernels this long after closing (default 60)")
    ap.add_argument("--settle", type=float, default=600, help="longest wait for a fresh server's pool (default 600 s)")
    ap.add_argument("--pool", type=int, default=10, help="the server's --pool (default 10)")
    ap.add_argument("--serve-arg", action="append", default=[], help="an extra `serve` argument (repeatable)")
    ap.add_argument("--url", help="measure a server already running at this address")
    ap.add_argument("--pid", type=int, help="with --url: the server's process id (for memory and kernels)")
    ap.add_argument("--wire", action="store_true",
                    help="pages on the wire only, no browser: the server's side of a room whose browsers are the "
                         "participants' own (first widget = every widget's state received)")
    args = ap.parse_args()

    print(f"load average before: {os.getloadavg()[0]:.2f}; serve {' '.join(args.serve_arg)}", file=sys.stderr)
    rows = []
    for n in args.pages:
        server = None if args.url else Server([f"--pool={args.pool}", *args.serve_arg])
        r: dict = {"seen": set()}
        try:
            url, pid = (args.url, args.pid) if args.url else (server.url, server.proc.pid)
            if not args.url:
                settle(pid, args.pool, args.settle)
            r = (room_on_wire if args.wire else room)(url, pid, n, args.gap, args.edits, args.timeout, args.after)
            r = asyncio.run(r)
            rows.append(row(r))
            print(rows[-1], file=sys.stderr)
            for e in sorted(set(r["errors"]))[:10]:
                print(f"  {e}", file=sys.stderr)
        finally:
            if server:
                server.stop()
                time.sleep(2)
                left = [p.pid for p in r["seen"] if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
                if left:
                    print(f"  processes left after stopping the server: {left}", file=sys.stderr)
    print(f"load average after: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    print("| pages | rendered | first widget p50 / p95 | plots' data p50 / p95 | edit → plot p50 / p95 (n) "
          "| server memory at peak | kernels 60 s after close |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(r)


if __name__ == "__main__":
    main()
