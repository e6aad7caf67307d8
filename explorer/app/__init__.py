"""The explorer app: ipywidgets controls and Bokeh views wired to the core (imports widgets; the core never does)."""

from .bokehjs import load_bokehjs
from .controller import ExplorerApp
from .theme import requested_preset, requested_theme, wait_for_page

__all__ = ["ExplorerApp", "load_bokehjs", "requested_preset", "requested_theme", "wait_for_page"]
