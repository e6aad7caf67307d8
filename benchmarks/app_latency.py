"""App latency in a real browser: control change → new plot data, and Voila's time to first widget.

Runs `phase1-explorer serve` (with a preheated kernel pool, or none), drives headless Chromium,
and prints a table. Run: .venv/bin/python benchmarks/app_latency.py [--changes 40] [--loads 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.helpers import JS_COLUMN, free_port, launch, open_section, start_serve, stop  # noqa: E402

# Type a value into a truth box as a user would (the widget commits on "change"), then count the ms until the
# selection plot's ColumnDataSource holds new data.
JS_CHANGE_AND_TIME = """async ([box, value, arm]) => {
  const col = (cols, c) => (""" + JS_COLUMN + """)([cols, c]);
  const read = () => JSON.stringify(col(arm ? "selection-b" : "selection", "value"));
  const input = document.querySelector(`.${arm ? "p1x-truthb" : "p1x-truth"}-${box} input`);
  const before = read();
  const t0 = performance.now();
  input.value = String(value);
  input.dispatchEvent(new Event('change', {bubbles: true}));
  // Done when the truth plot shows the new value and the selection plot has new data.
  while (read() === before || col(arm ? "truth-b" : "truth", "y")[box] !== value) {
    await new Promise(r => requestAnimationFrame(r));
    if (performance.now() - t0 > 30000) return null;
  }
  return performance.now() - t0;
}"""


ONE_ARM = "car4sar-arm-a"
CLOCK = "car4sar-clock"  # the preset with a clock (Monte Carlo whatever the method: no need to choose it)


def percentile(xs: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(q / 100 * len(s) + 0.5) - 1))]


def start(port: int, preheat: bool):
    """`serve` in the background, with a pool of 2 preheated kernels or none."""
    return start_serve(port, ["--pool=2" if preheat else "--pool=0"])


def first_widget(browser, url: str) -> tuple[float, float]:
    """Seconds from navigation to the first widget, and to the plots' data being in BokehJS."""
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=120_000)
    page.wait_for_selector(".widget-text, .widget-dropdown", timeout=120_000)
    t_widget = time.perf_counter() - t0
    page.wait_for_function("(a) => window.Bokeh && (" + JS_COLUMN + ")(a) !== null",
                           arg=["selection", "value"], timeout=120_000)
    t_plot = time.perf_counter() - t0
    page.close()
    return t_widget, t_plot


def change_latencies(browser, url: str, changes: int, monte_carlo: bool, busy: bool = False,
                     two_arms: bool = False, preset: str = "car4sar-arm-a") -> list[float]:
    """Milliseconds from a truth edit to new selection data, over `changes` edits.

    With `busy`, 200,000 trials are asked for and each edit comes while the last one is still being refined.
    Single-arm rows use the single-arm preset (or `preset`); `two_arms` edits Arm B on the page's two-arm
    CAR4SAR-like preset.
    """
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(url + ("" if two_arms else f"?preset={preset}"), wait_until="commit", timeout=120_000)
    page.wait_for_function("(a) => window.Bokeh && (" + JS_COLUMN + ")(a) !== null",
                           arg=["selection-b" if two_arms else "selection", "value"], timeout=120_000)
    if busy or monte_carlo:
        open_section(page, "p1x-section-settings")  # collapsed at first
    if busy:
        page.locator(".p1x-trials input").fill("200000")
        page.locator(".p1x-trials input").press("Enter")
    if monte_carlo:
        page.select_option(".p1x-method select", label="Monte Carlo")
        time.sleep(3)
    out = []
    for i in range(changes + 2):
        ms = page.evaluate(JS_CHANGE_AND_TIME, [1, round(0.10 + 0.004 * (i % 20) + 0.001 * (i // 20), 3), two_arms])
        if ms is None:  # over 30 s: report it rather than lose the other rows
            print(f"change {i} (monte_carlo={monte_carlo}, busy={busy}) never reached the plot", file=sys.stderr)
            ms = float("inf")
        if i >= 2:  # the first two warm up code paths
            out.append(ms)
        if busy or not monte_carlo:
            time.sleep(0.05)
        else:  # a first answer from an idle kernel: let the last edit's refinement finish
            page.wait_for_function("() => !document.querySelector('.p1x-status').textContent.includes('refining')",
                                   timeout=60_000)
            time.sleep(0.3)
    page.close()
    return out


def main() -> None:
    """Measure and print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--changes", type=int, default=40)
    ap.add_argument("--loads", type=int, default=3)
    ap.add_argument("--only", default="", help="measure only the edit rows whose name contains this text")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        browser = launch(p)
        for preheat in ((True,) if args.only else (True, False)):
            port = free_port()
            proc = start(port, preheat)
            try:
                url = f"http://127.0.0.1:{port}/"
                loads = []
                for _ in range(0 if args.only else args.loads):
                    time.sleep(8 if preheat else 1)  # give the pool time to preheat a fresh kernel
                    loads.append(first_widget(browser, url))
                w = [a for a, _ in loads]
                pl = [b for _, b in loads]
                if loads:
                    rows.append((f"first widget, preheat={preheat}", f"{statistics.median(w):.2f} s",
                                 f"max {max(w):.2f} s", f"plots ready median {statistics.median(pl):.2f} s",
                                 len(loads)))
                if preheat:
                    time.sleep(8)
                    for mc, busy, two, name, preset in (
                            (False, False, False, "truth edit → plot data (3+3, exact)", ONE_ARM),
                            (True, False, False, "truth edit → plot data (3+3, Monte Carlo 10,000: first answer)",
                             ONE_ARM),
                            (True, True, False, "truth edit during refinement (Monte Carlo 200,000)", ONE_ARM),
                            (False, False, True, "two arms: Arm B truth edit → Arm B plot data (CAR4SAR-like, exact)",
                             ONE_ARM),
                            (True, False, True, "two arms, Monte Carlo 10,000: first answer", ONE_ARM),
                            (True, False, False, "with a clock: truth edit → plot data (CAR4SAR-like with a clock: "
                             "3+3, rolling six, BOIN, TITE-BOIN; 10,000 trials: first answer)", CLOCK)):
                        if args.only not in name:
                            continue
                        lat = change_latencies(browser, url, args.changes, mc, busy, two, preset)
                        rows.append((name, f"p50 {percentile(lat, 50):.0f} ms", f"p95 {percentile(lat, 95):.0f} ms",
                                     f"max {max(lat):.0f} ms", len(lat)))
                        time.sleep(8)
            finally:
                stop(proc)
        browser.close()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'typical':>12}  {'tail':>14}  {'also':>28}  n")
    for r in rows:
        print(f"{r[0]:<{width}}  {r[1]:>12}  {r[2]:>14}  {r[3]:>28}  {r[4]}")


if __name__ == "__main__":
    main()
