"""Shared look of the views: figure defaults, design and arm colours, titles that fit, fixed ticks."""

from __future__ import annotations

from typing import Any

from bokeh.models import FixedTicker, NumeralTickFormatter
from bokeh.palettes import Colorblind8
from bokeh.plotting import figure

HEIGHT = 300  # the plots take their container's width (sizing_mode "stretch_width") and this height
TOOLS = "pan,wheel_zoom,box_zoom,reset,save"
NONE_LABEL = "no dose"


def design_colour(i: int) -> str:
    """A colour-blind-safe colour for the i-th design compared."""
    palette = [Colorblind8[i] for i in (0, 5, 3, 6, 1, 2, 7, 4)]  # skip the near-black first for dark themes
    return palette[i % len(palette)]


ARM_COLOURS = ("#1f77b4", "#aa4499")  # Arm A blue, Arm B purple: apart from the red target and orange MTD star


def darker(colour: str, amount: float) -> str:
    """A hex colour mixed with black (amount 0: unchanged, 1: black)."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c * (1 - amount)):02x}" for c in rgb)


def arm_colour(j: int) -> str:
    """The colour of arm j (0: A, 1: B) wherever both arms share a plot."""
    return ARM_COLOURS[j]


def fit_title(fig: Any, text: str, room: int = 52) -> None:
    """Set a title, in a smaller font when it is long (arm names make titles long; Bokeh cuts titles off)."""
    fig.title.text = text
    fig.title.text_font_size = "15px" if len(text) <= room else "13px" if len(text) <= room * 15 // 13 else "12px"


def short_labels(labels: list[str]) -> tuple[list[str], str]:
    """Dose labels without the unit they all share ("1e5 cells/kg" → "1e5"), and that unit ("" if none): narrow
    plots then fit the labels, and the axis title names the unit once."""
    parts = [lab.rsplit(" ", 1) for lab in labels]
    units = {p[1] for p in parts if len(p) == 2}
    if len(units) != 1 or any(len(p) != 2 for p in parts):
        return list(labels), ""
    unit = units.pop()
    if not any(ch.isalpha() for ch in unit) or len({p[0] for p in parts}) != len(parts):
        return list(labels), ""
    return [p[0] for p in parts], unit


def dose_axis(unit: str, extra: str = "") -> str:
    """The dose axis title ("dose (cells/kg)")."""
    return "dose" + (f" ({unit})" if unit else "") + extra


def compact_legend(fig: Any) -> None:
    """A smaller, see-through legend (plots are narrow on a dashboard)."""
    for legend in fig.legend:
        legend.label_text_font_size = "12px"
        legend.glyph_height = legend.glyph_width = 14
        legend.spacing, legend.padding, legend.margin = 0, 4, 6
        legend.background_fill_alpha = 0.75


def set_ticks(axes: Any, ticks: list[int]) -> None:
    """Ticks at these positions, changing each axis's FixedTicker in place (assigning a new ticker model makes
    Bokeh walk the whole document again: ~30 ms per plot per redraw)."""
    for axis in axes:
        if isinstance(axis.ticker, FixedTicker):
            axis.ticker.ticks = ticks
        else:
            axis.ticker = FixedTicker(ticks=ticks)


def percent_axis(axes: Any) -> None:
    """Show a probability axis in percent."""
    for axis in axes:
        axis.formatter = NumeralTickFormatter(format="0%")


def new_figure(title: str, x_label: str, y_label: str, **kw: Any) -> figure:
    """A figure with the app's tools and labels, as wide as its container."""
    fig = figure(title=title, height=kw.pop("height", HEIGHT), sizing_mode="stretch_width", min_width=260,
                 tools=TOOLS, toolbar_location="right", **kw)
    fig.xaxis.axis_label = x_label
    fig.yaxis.axis_label = y_label
    fig.toolbar.logo = None
    return fig
