"""Serve the explorer notebook with Voila on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NOTEBOOK = "explorer.ipynb"
# Federated extensions that Voila's frontend (JupyterLab 4.2 core) cannot load; denying them avoids console errors.
DENIED_EXTENSIONS = ("@jupyter-notebook/lab-extension", "@voila-dashboards/jupyterlab-preview")


def notebook_dir() -> Path | None:
    """The folder holding explorer.ipynb: the checkout's notebooks/ folder."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "notebooks", here / "app"):
        if (candidate / NOTEBOOK).is_file():
            return candidate
    return None


def voila_command(notebook: Path, port: int, open_browser: bool = False, preheat: bool = True,
                  theme: str = "light") -> list[str]:
    """The Voila command line that serves one notebook at http://127.0.0.1:PORT/.

    A preheated kernel runs the notebook before anyone asks for it, so the first widget shows in about
    half the time; the notebook then waits for the request to learn the page's ?theme=.
    """
    cmd = [sys.executable, "-m", "voila", str(notebook), f"--port={port}", "--Voila.ip=127.0.0.1",
           "--show_tracebacks=True", f"--theme={theme}", f"--preheat_kernel={preheat}"]
    cmd += [f"--VoilaConfiguration.extension_denylist={name}" for name in DENIED_EXTENSIONS]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def serve(protocol: str | None = None, port: int = 8866, open_browser: bool = True, theme: str = "light") -> int:
    """Run Voila on the explorer notebook until interrupted; returns its exit status."""
    folder = notebook_dir()
    if folder is None:
        print("phase1-explorer: the explorer notebook (notebooks/explorer.ipynb) is not installed; "
              "run from a checkout of the project (make run).", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if protocol:
        env["PHASE1_EXPLORER_PROTOCOL"] = str(Path(protocol).resolve())
    cmd = voila_command(folder / NOTEBOOK, port, open_browser=open_browser, theme=theme)
    print(f"phase1-explorer: serving http://127.0.0.1:{port}/ (Ctrl-C to stop; add ?theme=dark for the dark "
          f"theme)", file=sys.stderr)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0
