"""End-to-end: the wheel, installed in a fresh virtual environment outside the checkout, serves the explorer and the
teaching notebook from another folder (no checkout on the path: the notebooks are package data).

The environment is made without pip and filled by this test environment's pip (`--python`), from pip's cache of
the wheels `make install` downloaded, without byte-compiling: ~15-25 s here, most of it unpacking the stack.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .helpers import JS_COLUMN, ROOT, SELECTION, column, free_port, open_app, start_serve, stop

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The Python of a fresh environment holding the wheel built from this checkout, and its dependencies."""
    dist, env = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("venv") / "env"
    pip = [sys.executable, "-m", "pip"]
    quiet = {"check": True, "capture_output": True, "text": True, "timeout": 600}
    subprocess.run([*pip, "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)], **quiet)
    wheel = next(dist.glob("phase1_explorer-*.whl"))
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--quiet", "--no-compile", str(wheel)], **quiet)
    return python


def test_wheel_ships_the_app_and_serves_it_from_another_folder(installed, browser, tmp_path):
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run([str(installed), "-c", "import explorer, pathlib; print(pathlib.Path(explorer.__file__)"
                                              ".parent)"], cwd=tmp_path, env=clean, capture_output=True, text=True,
                           check=True).stdout.strip()
    assert Path(where).is_relative_to(installed.parents[1])  # the installed copy, not the checkout
    assert (Path(where) / "notebooks" / "explorer.ipynb").is_file()
    port = free_port()
    # Its first start compiles the whole stack's bytecode (installed with --no-compile): give it time.
    proc = start_serve(port, ["--pool=1"], python=str(installed), cwd=tmp_path, env={"PYTHONPATH": ""}, wait=300)
    try:
        page = browser.new_page()
        open_app(page, f"http://127.0.0.1:{port}")
        assert len(column(page, *SELECTION)) == 5
        page.goto(f"http://127.0.0.1:{port}/voila/render/notebooks/teaching-3plus3-vs-model-based.ipynb",
                  wait_until="commit", timeout=120_000)
        page.wait_for_function("(a) => window.Bokeh && (" + JS_COLUMN + ")(a) !== null", arg=list(SELECTION),
                               timeout=120_000)
        assert set(column(page, "selection", "design")) == {"3+3", "CRM"}
        page.close()
    finally:
        stop(proc)
