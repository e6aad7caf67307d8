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
    """CSS for the ipywidgets part of the page: message colours readable in both themes, the dashboard's header,
    the HTML tables (they take the width their cells need; headers wrap, numbers do not), the upload button's
    caption (ipywidgets would write it with a file counter)."""
    dark = name == "dark"
    err = "#ff8a80" if dark else "#b00020"
    warn = "#ffd180" if dark else "#8a5300"
    note = "#b0bec5" if dark else "#555"
    rule = "rgba(200,200,200,0.35)" if dark else "rgba(0,0,0,0.18)"
    return (f"<style>.p1x-error{{color:{err};font-weight:600;}} .p1x-warn{{color:{warn};}}"
            f" .p1x-note{{color:{note};font-size:90%;}} .p1x-title{{font-size:18px;font-weight:700;"
            "margin:0 14px 0 2px;white-space:nowrap;}}"
            " .p1x-app .widget-html-content{{line-height:1.4;}} .p1x-status{{margin-right:12px;}}"
            " .p1x-notes{{margin:2px 0 4px 0;}} .p1x-notes div{{margin:1px 0;line-height:1.35;}}"
            " .p1x-table-wrap{{overflow-x:auto;max-width:100%;}} .p1x-summary{{margin-left:0;margin-right:0;}}"
            # below 1280 px a narrower controls column and tighter tables keep the summary whole
            " @media (max-width:1279px){{.p1x-controls{{width:290px !important;min-width:290px !important;}}"
            " .p1x-table{{font-size:13px;}} .p1x-table th,.p1x-table td{{padding:3px 5px;}}}}"
            " .p1x-table{{border-collapse:collapse;font-size:14px;font-variant-numeric:tabular-nums;margin:2px 0;}}"
            f" .p1x-table th,.p1x-table td{{padding:3px 9px;border-bottom:1px solid {rule};text-align:right;}}"
            " .p1x-table td{{white-space:nowrap;}}"
            f" .p1x-table thead th{{font-weight:600;vertical-align:bottom;border-bottom:2px solid {rule};"
            "max-width:8.5em;line-height:1.2;}}"
            " .p1x-table thead th[title]{{cursor:help;text-decoration:underline dotted rgba(128,128,128,0.7);}}"
            " .p1x-table tbody th,.p1x-table thead th:first-child,.p1x-table .p1x-left{{text-align:left;"
            "font-weight:600;white-space:nowrap;}}"
            " .p1x-rules td{{text-align:left;white-space:normal;}} .p1x-rules.p1x-classic td{{min-width:16em;}}"
            " .p1x-upload{{font-size:0 !important;}}"
            " .p1x-upload::after{{content:'Open protocol…';font-size:var(--jp-widgets-font-size,13px);}}"
            " .p1x-upload i{{font-size:var(--jp-widgets-font-size,13px);margin-right:4px;}}"
            " .p1x-links a{{white-space:nowrap;}}"
            " .p1x-section .jupyter-widget-Collapse-header,.p1x-section .p-Collapse-header{{font-weight:600;"
            "padding:4px 8px;}}"
            " .p1x-section .jupyter-widget-Collapse-contents,.p1x-section .p-Collapse-contents{{padding:6px 4px;}}"
            "</style>").replace("{{", "{").replace("}}", "}")


def wait_for_page() -> None:
    """With Voila's preheated kernel, wait until the page is requested (then QUERY_STRING holds ?theme=)."""
    try:
        from voila.utils import wait_for_request
    except ImportError:
        return
    wait_for_request()
