"""Serve the explorer notebook with Voila on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NOTEBOOK = "explorer.ipynb"


def notebook_dir() -> Path | None:
    """The folder holding explorer.ipynb: the checkout's notebooks/ folder."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "notebooks", here / "app"):
        if (candidate / NOTEBOOK).is_file():
            return candidate
    return None


def serve(protocol: str | None = None, port: int = 8866, open_browser: bool = True) -> int:
    """Run Voila on the explorer notebook until interrupted; returns its exit status."""
    folder = notebook_dir()
    if folder is None:
        print("phase1-explorer: the explorer notebook (notebooks/explorer.ipynb) is not installed; "
              "run from a checkout of the project (make run).", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if protocol:
        env["PHASE1_EXPLORER_PROTOCOL"] = str(Path(protocol).resolve())
    cmd = [sys.executable, "-m", "voila", str(folder / NOTEBOOK), f"--port={port}", "--Voila.ip=127.0.0.1",
           "--show_tracebacks=True"]
    if not open_browser:
        cmd.append("--no-browser")
    print(f"phase1-explorer: serving http://127.0.0.1:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0
