"""End-to-end: the app as `phase1-explorer serve` runs it (single notebook, preheated kernel, a protocol file)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from explorer.serve import notebook_dir, voila_command

from .helpers import JS_COLUMN, TRUTH, column, free_port, launch_server, stop

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    proto = tmp_path_factory.mktemp("proto") / "mine.json"
    proto.write_text(json.dumps({"title": "Served", "target": 0.3, "truth": [0.1, 0.2, 0.3, 0.5, 0.6],
                                 "design": {"method": "3+3"}, "seed": 11}))
    port = free_port()
    cmd = voila_command(notebook_dir() / "explorer.ipynb", port, preheat=True)
    proc = launch_server(cmd, port, env={"PHASE1_EXPLORER_PROTOCOL": str(proto)})
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(proc)


def test_serve_opens_the_given_protocol_in_the_requested_theme(page, served, tmp_path):
    page.goto(served + "?theme=dark", wait_until="commit", timeout=90_000)
    page.wait_for_function("(a) => window.Bokeh && (" + JS_COLUMN + ")(a) !== null", arg=list(TRUTH),
                           timeout=90_000)
    assert column(page, *TRUTH) == [0.1, 0.2, 0.3, 0.5, 0.6]
    expect(page.locator(".p1x-status")).to_contain_text("exact")
    # The preheated kernel waited for the request, so the Bokeh figures are dark too.
    dark = page.evaluate("""() => [...Bokeh.documents].some(d => [...d.all_models].some(
        m => m.type === 'Figure' && m.border_fill_color === '#15191c'))""")
    assert dark
    page.screenshot(path=str(tmp_path / "served-dark.png"))
