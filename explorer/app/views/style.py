"""Shared look of the views: figure defaults, design colours, embedding a Bokeh layout as a widget."""

from __future__ import annotations

from typing import Any

from bokeh.document import Document
from bokeh.models import LayoutDOM
from bokeh.palettes import Colorblind8
from bokeh.plotting import figure

from ..theme import bokeh_theme

WIDTH, HEIGHT = 560, 330
TOOLS = "pan,wheel_zoom,box_zoom,reset,save"
NONE_LABEL = "none"


def design_colour(i: int) -> str:
    """A colour-blind-safe colour for the i-th design compared."""
    palette = [Colorblind8[i] for i in (0, 5, 3, 6, 1, 2, 7, 4)]  # skip the near-black first for dark themes
    return palette[i % len(palette)]


def new_figure(title: str, x_label: str, y_label: str, **kw: Any) -> figure:
    """A figure with the app's tools, size and labels."""
    fig = figure(title=title, width=kw.pop("width", WIDTH), height=kw.pop("height", HEIGHT), tools=TOOLS,
                 toolbar_location="right", **kw)
    fig.xaxis.axis_label = x_label
    fig.yaxis.axis_label = y_label
    fig.toolbar.logo = None
    return fig


def as_widget(layout: LayoutDOM, theme: str):
    """The Bokeh layout in its own themed Document, wrapped as an ipywidget (jupyter_bokeh.BokehModel)."""
    from jupyter_bokeh.widgets import BokehModel

    doc = Document()
    doc.theme = bokeh_theme(theme)
    doc.add_root(layout)
    return BokehModel(layout)
