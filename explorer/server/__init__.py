"""`phase1-explorer serve`: the explorer and the teaching notebooks in Voila, for one person or a room.

One server process runs Voila on the notebooks shipped in the package (so a `pip install` serves from any folder),
keeps a pool of preheated kernels (the app already built when a page comes), frees the kernel of a page that
closes, culls kernels whose page went away without saying so, stops every kernel it started when it stops,
and hands its kernels a shared result cache and a cap on background refinement.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: A pool for a room: 10 pages opened within seconds all find their app built (each idle kernel holds ~0.2 GB).
DEFAULT_POOL = 10
#: Kernels whose page is gone (closed without the shutdown request, a laptop asleep) are freed after 30 minutes
#: without activity: a coffee break keeps a participant's session, memory comes back by the end of a session.
DEFAULT_CULL_IDLE = 1800
CULL_INTERVAL = 60


@dataclass(frozen=True)
class ServeOptions:
    """What `serve` was asked for."""

    protocol: str | None = None
    host: str = "127.0.0.1"
    port: int = 8866
    pool: int = DEFAULT_POOL
    cull_idle: int = DEFAULT_CULL_IDLE
    cache: str | None = None
    open_browser: bool = True
    theme: str = "light"


def problems(options: ServeOptions) -> list[str]:
    """What is wrong with the options (each naming the option, the value and what is valid)."""
    from .addresses import check_bind

    out = []
    if not 1 <= options.port <= 65535:
        out.append(f"--port {options.port}: a port is a whole number from 1 to 65535 (default 8866)")
    if options.pool < 0:
        out.append(f"--pool {options.pool}: the number of preheated kernels is 0 or more (default {DEFAULT_POOL})")
    if options.cull_idle < 0:
        out.append(f"--cull-idle {options.cull_idle}: seconds, 0 (never cull) or more "
                   f"(default {DEFAULT_CULL_IDLE})")
    if options.cache:
        try:
            Path(options.cache).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            out.append(f"--cache {options.cache}: cannot make that folder ({e.strerror})")
    if not out:
        why = check_bind(options.host, options.port)
        if why:
            out.append(why)
    return out


def serve(options: ServeOptions) -> int:
    """Run the server until Ctrl-C or SIGTERM; returns the exit status (2: bad options, with a message)."""
    bad = problems(options)
    if bad:
        for p in bad:
            print(f"phase1-explorer: {p}", file=sys.stderr)
        return 2
    runtime = Path(tempfile.mkdtemp(prefix="phase1-explorer-serve-"))
    try:
        return _run(options, runtime)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


def _run(options: ServeOptions, runtime: Path) -> int:
    # each variable is named where it is read (the kernels' side)
    from ..app.bokehjs import PAGE_LOADS_BOKEHJS
    from ..app.protocols_in import PROTOCOL_ENV
    from ..app.refine_slots import SLOTS_ENV, make_slots
    from ..core.pipeline.cache import ENV as CACHE_ENV
    from .addresses import WILDCARDS, is_local_only, participant_urls
    from .config import JUPYTER_DATA, voila_config
    from .heating import HeatQueue
    from .voila_app import RoomVoila, served_folder

    cores = os.cpu_count() or 1
    cache = Path(options.cache).resolve() if options.cache else runtime / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    # Kernels inherit this process's environment (Voila starts them with a copy of it).
    os.environ[CACHE_ENV] = str(cache)
    os.environ[SLOTS_ENV] = str(make_slots(runtime / "refine-slots", cores))
    os.environ[PAGE_LOADS_BOKEHJS] = "1"
    # Voila finds the page template (jupyter/voila/templates/phase1) on the Jupyter data path.
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(JUPYTER_DATA), os.environ.get("JUPYTER_PATH")]))
    os.environ["VOILA_APP_IP"] = "127.0.0.1" if options.host in WILDCARDS else options.host
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # many kernels on few cores: no BLAS threads each
    if options.protocol:
        os.environ[PROTOCOL_ENV] = str(Path(options.protocol).resolve())
    else:
        os.environ.pop(PROTOCOL_ENV, None)

    app = RoomVoila(config=voila_config(options, runtime))
    app.heat = HeatQueue(claimed_limit=cores, refill_limit=1)
    app.initialize([str(served_folder())])
    urls = participant_urls(options.host, options.port)
    where = ("only from this machine" if is_local_only(options.host) else
             "participants type " + (" or ".join(urls)))
    print(f"phase1-explorer: serving {urls[0]} ({where}); {options.pool} preheated kernel(s); "
          f"teaching notebooks at {urls[0]}voila/tree/notebooks; add ?theme=dark for the dark theme; "
          f"Ctrl-C stops the server and every kernel.", file=sys.stderr)
    app.start()
    return 0
