"""End-to-end: `phase1-explorer serve` as a room uses it: `/` opens the explorer (a protocol file, the page's
theme), the teaching notebook is served, nothing is fetched from outside, a closed page frees its kernel, and
SIGTERM stops every kernel."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.error
import urllib.request

import psutil
import pytest
from playwright.sync_api import expect

from .helpers import JS_COLUMN, SELECTION, TRUTH, column, free_port, open_app, server_log, start_serve, stop

pytestmark = pytest.mark.browser

TEACHING = "/voila/render/notebooks/teaching-3plus3-vs-model-based.ipynb"
JS_KERNEL_ID = "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server given a protocol file, started from a folder that is not the checkout."""
    proto = tmp_path_factory.mktemp("proto") / "mine.json"
    proto.write_text(json.dumps({"title": "Served", "target": 0.3, "truth": [0.1, 0.2, 0.3, 0.5, 0.6],
                                 "design": {"method": "3+3"}, "seed": 11}))
    port = free_port()
    proc = start_serve(port, [str(proto)], cwd=tmp_path_factory.mktemp("elsewhere"))
    try:
        yield f"http://127.0.0.1:{port}", proc
    finally:
        stop(proc)


def test_serve_opens_the_given_protocol_in_the_requested_theme(page, served, tmp_path):
    base, _ = served
    page.goto(base + "/?theme=dark", wait_until="commit", timeout=90_000)  # `/` redirects, keeping ?theme=
    page.wait_for_function("(a) => window.Bokeh && (" + JS_COLUMN + ")(a) !== null", arg=list(TRUTH),
                           timeout=90_000)
    assert page.url.startswith(base + "/voila/render/notebooks/explorer.ipynb?theme=dark")
    assert column(page, *TRUTH) == [0.1, 0.2, 0.3, 0.5, 0.6]
    expect(page.locator(".p1x-status")).to_contain_text("exact")
    dark = page.evaluate("""() => [...Bokeh.documents].some(d => [...d.all_models].some(
        m => m.type === 'Figure' && m.border_fill_color === '#15191c'))""")
    assert dark
    page.screenshot(path=str(tmp_path / "served-dark.png"))


def test_page_fetches_nothing_from_outside_and_logs_no_error(page, served):
    """Every request stays on the server (others are refused and listed); no failed request, no console error."""
    base, _ = served
    outside, failed, errors = [], [], []
    page.route("**/*", lambda route: (route.continue_() if route.request.url.startswith(base)
                                      else (outside.append(route.request.url), route.abort())))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_app(page, base)
    box = page.locator(".p1x-truth-1 input")  # one edit: the plots answer over the same connection
    before = column(page, *SELECTION)
    box.fill("0.27")
    box.press("Enter")
    page.wait_for_function("([a, old]) => JSON.stringify((" + JS_COLUMN + ")(a)) !== JSON.stringify(old)",
                           arg=[list(SELECTION), before], timeout=20_000)
    assert outside == []
    assert failed == []
    assert errors == []


def test_closing_the_page_frees_its_kernel(browser, served):
    base, proc = served
    context = browser.new_context()
    page = context.new_page()
    open_app(page, base)
    kernel = page.evaluate(JS_KERNEL_ID)
    assert _kernel_exists(base, kernel)
    page.close(run_before_unload=True)  # as a closed tab: the page posts /voila/api/shutdown/<kernel>
    deadline = time.time() + 20
    while _kernel_exists(base, kernel) and time.time() < deadline:
        time.sleep(0.2)
    context.close()
    assert not _kernel_exists(base, kernel)
    assert f"403 POST /voila/api/shutdown/{kernel}" not in server_log(proc)


def test_teaching_notebook_is_served(page, served):
    base, _ = served
    page.goto(base + TEACHING, wait_until="commit", timeout=120_000)
    page.wait_for_function("(a) => window.Bokeh && (" + JS_COLUMN + ")(a) !== null", arg=list(SELECTION),
                           timeout=120_000)
    assert set(column(page, "selection", "design")) == {"3+3", "CRM"}


def test_sigterm_stops_every_kernel(browser, tmp_path):
    port = free_port()
    proc = start_serve(port, ["--pool=1"], cwd=tmp_path)
    try:
        page = browser.new_page()
        open_app(page, f"http://127.0.0.1:{port}")  # the pool's kernel, and the refill started after it
        kernels = psutil.Process(proc.pid).children(recursive=True)
        assert kernels
        os.kill(proc.pid, signal.SIGTERM)  # the server alone, as a service manager would
        assert proc.wait(timeout=60) == 0
        page.close()
        _, alive = psutil.wait_procs(kernels, timeout=10)
        assert alive == []
    finally:
        stop(proc)


def _kernel_exists(base: str, kernel: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/api/kernels/{kernel}", timeout=10):
            return True
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return False
        raise
