"""End-to-end: the Binder launch path, /voila/render/notebooks/..., under a Jupyter server (Voila's extension)."""

from __future__ import annotations

import sys

import pytest

from .helpers import JS_COLUMN, ROOT, SELECTION, SELECTION_B, column, free_port, launch_server, stop

pytestmark = pytest.mark.browser
DESIGN = "selection"


@pytest.fixture(scope="module")
def jupyter_server():
    port = free_port()
    cmd = [sys.executable, "-m", "jupyter", "server", "--allow-root", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--port={port}", "--IdentityProvider.token=", "--ServerApp.password="]
    proc = launch_server(cmd, port, cwd=ROOT)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def _wait_for_plot(page, url: str) -> None:
    page.goto(url, wait_until="commit", timeout=120_000)
    page.wait_for_function("(a) => window.Bokeh && (" + JS_COLUMN + ")(a) !== null", arg=list(SELECTION),
                           timeout=120_000)


def test_binder_urlpath_opens_the_explorer(page, jupyter_server):
    _wait_for_plot(page, jupyter_server + "/voila/render/notebooks/explorer.ipynb")
    assert len(column(page, *SELECTION)) == 5
    assert len(column(page, *SELECTION_B)) == 5  # the page opens on the two-arm CAR4SAR-like preset


def test_teaching_notebook_in_voila_shows_its_final_state(page, jupyter_server, tmp_path):
    _wait_for_plot(page, jupyter_server + "/voila/render/notebooks/teaching-3plus3-vs-model-based.ipynb")
    assert set(column(page, DESIGN, "design")) == {"3+3", "CRM"}
    page.screenshot(path=str(tmp_path / "teaching.png"))
