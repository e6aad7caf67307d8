"""Shared look of the views: figure defaults, design and arm colours, titles that fit, fixed ticks."""

from __future__ import annotations

from typing import Any

from bokeh.models import FixedTicker
from bokeh.palettes import Colorblind8
from bokeh.plotting import figure

WIDTH, HEIGHT = 560, 330
TOOLS = "pan,wheel_zoom,box_zoom,reset,save"
NONE_LABEL = "none"


def design_colour(i: int) -> str:
    """A colour-blind-safe colour for the i-th design compared."""
    palette = [Colorblind8[i] for i in (0, 5, 3, 6, 1, 2, 7, 4)]  # skip the near-black first for dark themes
    return palette[i % len(palette)]


ARM_COLOURS = ("#1f77b4", "#aa4499")  # Arm A blue, Arm B purple: apart from the red target and orange MTD star


def arm_colour(j: int) -> str:
    """The colour of arm j (0: A, 1: B) wherever both arms share a plot."""
    return ARM_COLOURS[j]


def fit_title(fig: Any, text: str, room: int = 52) -> None:
    """Set a title, in a smaller font when it is long (arm names make titles long; Bokeh cuts titles off)."""
    fig.title.text = text
    fig.title.text_font_size = "15px" if len(text) <= room else "13px" if len(text) <= room * 15 // 13 else "12px"


def set_ticks(axes: Any, ticks: list[int]) -> None:
    """Ticks at these positions, changing each axis's FixedTicker in place (assigning a new ticker model makes
    Bokeh walk the whole document again: ~30 ms per plot per redraw)."""
    for axis in axes:
        if isinstance(axis.ticker, FixedTicker):
            axis.ticker.ticks = ticks
        else:
            axis.ticker = FixedTicker(ticks=ticks)


def new_figure(title: str, x_label: str, y_label: str, **kw: Any) -> figure:
    """A figure with the app's tools, size and labels."""
    fig = figure(title=title, width=kw.pop("width", WIDTH), height=kw.pop("height", HEIGHT), tools=TOOLS,
                 toolbar_location="right", **kw)
    fig.xaxis.axis_label = x_label
    fig.yaxis.axis_label = y_label
    fig.toolbar.logo = None
    return fig
