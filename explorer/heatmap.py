"""A study's design × scenario heat map: PCS and overdose selection side by side, one row of panels per setting, as a
standalone HTML page with BokehJS inline (it opens offline). Fed the study summary (core.study.summarise); draws
only."""

from __future__ import annotations

import math
from typing import Any

from bokeh.embed import file_html
from bokeh.layouts import column, row
from bokeh.models import BasicTicker, ColorBar, ColumnDataSource, Div, HoverTool, LinearColorMapper
from bokeh.palettes import Reds256, Viridis256
from bokeh.plotting import figure
from bokeh.resources import INLINE

#: (matrix key, title, palette: low → high, top of the colour scale, text turns dark above this value)
PANELS = (("pcs", "Correct selection (PCS)", Viridis256, 1.0, 0.7),
          ("overdose_selection", "Overdose selection", Reds256[::-1], 0.5, 2.0))
CELL = 34  # pixels per scenario row


def _setting_title(setting: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {v}" for k, v in setting.items())


def _panel(cells: list[dict[str, Any]], key: str, title: str, palette: Any, high: float, dark_above: float,
           designs: list[str], scenarios: list[str]) -> Any:
    data = {"design": [c["design"] for c in cells], "scenario": [c["scenario"] for c in cells],
            "value": [c[key] for c in cells],
            "text": ["" if math.isnan(c[key]) else f"{100 * c[key]:.0f}" for c in cells],
            "shown": [f"{100 * c[key]:.1f}%" if not math.isnan(c[key]) else "–" for c in cells],
            "ink": ["#222222" if not math.isnan(c[key]) and c[key] > dark_above or key != "pcs" else "#ffffff"
                    for c in cells],
            "se": [f"± {100 * c[f'{key}_stderr']:.1f} pts" if c[f"{key}_stderr"] > 0 else "exact" for c in cells]}
    source = ColumnDataSource(data)
    mapper = LinearColorMapper(palette=palette, low=0.0, high=high, nan_color="#eeeeee")
    fig = figure(title=title, x_range=designs, y_range=list(reversed(scenarios)), toolbar_location=None,
                 width=max(320, 110 * len(designs) + 160), height=max(220, CELL * len(scenarios) + 110),
                 tools="")
    fig.rect(x="design", y="scenario", width=1, height=1, source=source, line_color="white",
             fill_color={"field": "value", "transform": mapper})
    fig.text(x="design", y="scenario", text="text", source=source, text_align="center", text_baseline="middle",
             text_font_size="11px", text_color="ink")
    fig.add_tools(HoverTool(tooltips=[("scenario", "@scenario"), ("design", "@design"), (title, "@shown @se")]))
    fig.add_layout(ColorBar(color_mapper=mapper, ticker=BasicTicker(desired_num_ticks=5), width=10,
                            title="probability"), "right")
    fig.xaxis.major_label_orientation = 0.6
    fig.grid.grid_line_color = None
    fig.axis.axis_line_color = None
    fig.axis.major_tick_line_color = None
    return fig


def heatmap_layout(summary: dict[str, Any]) -> Any:
    """The Bokeh layout: a heading, then per setting a PCS panel and an overdose panel (design × scenario; the
    optimal benchmark as the last column, where computed)."""
    designs = [*summary["designs"], *(["benchmark"] if summary["benchmark"] else [])]
    scenarios = summary["scenarios"]
    by_setting: dict[str, list[dict[str, Any]]] = {}
    for c in summary["matrix"]:
        if c.get("arm") not in (None, "arm A") and c["design"] != "benchmark":
            continue  # two arms: Arm A's figures (the table has both)
        by_setting.setdefault(_setting_title(c["setting"]), []).append(c)
    parts: list[Any] = [Div(text=f"<h2>{summary['title'] or 'Design study'}</h2><p>{len(scenarios)} scenarios × "
                                 f"{len(summary['designs'])} designs; each cell's PCS and overdose selection (in %). "
                                 f"The optimal benchmark is a reference, not a strict bound.</p>")]
    for title, cells in by_setting.items():
        if title:
            parts.append(Div(text=f"<h3>{title}</h3>"))
        parts.append(row(*(_panel(cells, key, name, pal, high, dark, designs, scenarios)
                           for key, name, pal, high, dark in PANELS)))
    return column(*parts)


def heatmap_html(summary: dict[str, Any]) -> str:
    """The heat map as a standalone HTML page, BokehJS inline (no network needed to open it)."""
    return file_html(heatmap_layout(summary), INLINE, title=summary["title"] or "Design study")


__all__ = ["heatmap_html", "heatmap_layout"]
