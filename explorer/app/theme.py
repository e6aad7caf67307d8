"""Light and dark themes: which one the page asked for, and the Bokeh theme and table style to match."""

from __future__ import annotations

import os
from urllib.parse import parse_qs

from bokeh.models import InlineStyleSheet
from bokeh.themes import Theme

THEMES = ("light", "dark")
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"

_COMMON = {
    "Title": {"text_font_size": "15px", "text_font": FONT},
    "Axis": {"axis_label_text_font_size": "14px", "major_label_text_font_size": "13px",
             "axis_label_text_font_style": "normal", "axis_label_text_font": FONT, "major_label_text_font": FONT},
    "Legend": {"label_text_font_size": "13px", "label_text_font": FONT},
}
_DARK = {
    "Plot": {"background_fill_color": "#20262b", "border_fill_color": "#15191c", "outline_line_color": "#444"},
    "Grid": {"grid_line_color": "#3a4046"},
    "Axis": {"major_label_text_color": "#e0e0e0", "axis_label_text_color": "#e0e0e0", "axis_line_color": "#aaa",
             "major_tick_line_color": "#aaa", "minor_tick_line_color": "#777"},
    "CategoricalAxis": {"group_text_color": "#e0e0e0", "major_label_text_color": "#e0e0e0",
                        "axis_label_text_color": "#e0e0e0"},
    "Title": {"text_color": "#f0f0f0"},
    "Legend": {"background_fill_color": "#20262b", "label_text_color": "#e0e0e0", "border_line_color": "#555"},
}
_LIGHT = {"CategoricalAxis": {"group_text_color": "#333"}}

_TABLE_DARK = (".slick-row, .slick-header-column, .slick-cell {background-color:#1e2327; color:#e8e8e8;}"
               ".slick-row.odd, .slick-row.odd .slick-cell {background-color:#2a3035;}"
               ".slick-header-columns, .slick-header {background-color:#15191c; color:#f0f0f0;}")
_TABLE_COMMON = ".slick-cell, .slick-header-column {font-size:14px;}"


def requested_theme(default: str = "light") -> str:
    """The theme asked for by the page URL (?theme=dark; Voila passes it in QUERY_STRING), else the default."""
    query = parse_qs(os.environ.get("QUERY_STRING", ""))
    theme = query.get("theme", [os.environ.get("PHASE1_EXPLORER_THEME", default)])[0]
    return theme if theme in THEMES else default


def requested_preset() -> str | None:
    """The preset asked for by the page URL (?preset=car4sar-arm-a, a key or name), if any."""
    return parse_qs(os.environ.get("QUERY_STRING", "")).get("preset", [None])[0]


def bokeh_theme(name: str) -> Theme:
    """A Bokeh theme matching the page: larger fonts for projectors, dark colours in dark mode."""
    attrs: dict[str, dict] = {k: dict(v) for k, v in _COMMON.items()}
    for k, v in (_DARK if name == "dark" else _LIGHT).items():
        attrs.setdefault(k, {}).update(v)
    return Theme(json={"attrs": attrs})


def table_stylesheets(name: str) -> list[InlineStyleSheet]:
    """Stylesheets for DataTables (Bokeh themes do not reach them)."""
    css = _TABLE_COMMON + (_TABLE_DARK if name == "dark" else "")
    return [InlineStyleSheet(css=css)]


def page_css(name: str) -> str:
    """CSS for the ipywidgets part of the page (message colours readable in both themes)."""
    err = "#ff8a80" if name == "dark" else "#b00020"
    warn = "#ffd180" if name == "dark" else "#8a5300"
    note = "#b0bec5" if name == "dark" else "#555"
    return (f"<style>.p1x-error{{color:{err};font-weight:600;}} .p1x-warn{{color:{warn};}}"
            f" .p1x-note{{color:{note};font-size:90%;}} .p1x-title{{font-size:22px;font-weight:700;}}</style>")


def wait_for_page() -> None:
    """With Voila's preheated kernel, wait until the page is requested (then QUERY_STRING holds ?theme=)."""
    try:
        from voila.utils import wait_for_request
    except ImportError:
        return
    wait_for_request()
