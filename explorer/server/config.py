"""The Voila and kernel-manager configuration of `serve` (traitlets), from its options."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import bokeh
from traitlets.config import Config

if TYPE_CHECKING:
    from . import ServeOptions

TEMPLATE = "phase1"  # jupyter/voila/templates/phase1: Voila's lab page without its CDN links, BokehJS from here
JUPYTER_DATA = Path(__file__).resolve().parent / "jupyter"
# Federated extensions that Voila's frontend (JupyterLab 4.2 core) cannot load; denying them avoids console errors.
DENIED_EXTENSIONS = ["@jupyter-notebook/lab-extension", "@voila-dashboards/jupyterlab-preview"]
BOKEHJS = ("bokeh", "bokeh-widgets", "bokeh-tables")


def voila_config(options: ServeOptions, runtime: Path) -> Config:
    """Everything Voila needs to know; no voila.json or other config file is read."""
    from .voila_app import BOKEHJS_ROUTE, EXPLORER

    c = Config()
    c.Voila.ip = options.host
    c.Voila.port = options.port
    c.Voila.port_retries = 0  # the address announced to a room must be the one served
    c.Voila.open_browser = options.open_browser
    c.Voila.config_file_paths = []
    c.Voila.connection_dir_root = str(runtime)
    c.Voila.template_paths = []
    c.VoilaConfiguration.template = TEMPLATE
    c.VoilaConfiguration.theme = options.theme
    c.VoilaConfiguration.show_tracebacks = True
    c.VoilaConfiguration.extension_denylist = DENIED_EXTENSIONS
    version = bokeh.__version__
    c.VoilaConfiguration.resources = {
        "p1x_bokehjs": [f"{BOKEHJS_ROUTE}static/js/{name}.min.js?v={version}" for name in BOKEHJS]}
    # The pool: only the explorer is preheated (the teaching notebooks start a kernel per page, as they read
    # the page's ?theme= while they run).
    c.VoilaConfiguration.preheat_kernel = True
    c.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": 0}, EXPLORER: {"pool_size": options.pool}}
    c.VoilaKernelManager.fill_delay = 0.0  # the heat queue paces the builds
    # Orphans (a page gone without its shutdown request) are culled; a page still connected never is.
    c.MappingKernelManager.cull_idle_timeout = options.cull_idle
    c.MappingKernelManager.cull_interval = 60
    c.MappingKernelManager.cull_connected = False
    c.MappingKernelManager.cull_busy = False
    return c
