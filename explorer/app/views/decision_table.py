"""The design's decision table (escalate / stay / de-escalate by patients and DLTs), where the core offers one."""

from __future__ import annotations

import html
import importlib
from typing import Any

import ipywidgets as W

NO_TABLE = ("No decision table for this design: its next step depends on more than the patients and DLTs at the "
            "current dose. See below what it does next from any trial so far.")
_TABLE_CSS = ("border-collapse:collapse;font-size:14px;font-variant-numeric:tabular-nums;"
              "margin-top:4px")
_CELL = "padding:3px 8px;border:1px solid rgba(128,128,128,0.45);text-align:right"


def _tables_module() -> Any | None:
    try:
        return importlib.import_module("explorer.core.tables")
    except ImportError:
        return None


def rows_as_html(rows: list[tuple[str, list[str]]]) -> str:
    """Labelled rows of cells as an HTML table (the first row is the header)."""
    out = [f'<table style="{_TABLE_CSS}">']
    for i, (label, cells) in enumerate(rows):
        tag = "th" if i == 0 else "td"
        out.append(f'<tr><th style="{_CELL};text-align:left">{html.escape(label)}</th>'
                   + "".join(f'<{tag} style="{_CELL}">{html.escape(c)}</{tag}>' for c in cells) + "</tr>")
    return "".join(out) + "</table>"


def decision_table_html(design: Any) -> str | None:
    """The decision table of a built design as HTML, or None when the core has none for it."""
    mod = _tables_module()
    if mod is None or not hasattr(mod, "decision_table"):
        return None
    has = getattr(mod, "has_decision_table", None)
    if has is not None and not has(design):
        return None
    try:
        table = mod.decision_table(design)
    except (TypeError, ValueError, NotImplementedError):
        return None
    if hasattr(table, "rows"):
        return rows_as_html(table.rows())
    return f"<pre>{html.escape(str(table))}</pre>"


class DecisionTableView:
    """A clearly labelled place for the decision table of the first design picked."""

    def __init__(self) -> None:
        self.title = W.HTML("<b>Decision table</b>")
        self.body = W.HTML(NO_TABLE)
        self.widget = W.VBox([self.title, self.body], layout=W.Layout(max_width="640px", overflow="auto"))

    def show(self, design_title: str, design: Any) -> None:
        """Show the table of this design, or say there is none."""
        self.title.value = f"<b>Decision table: {html.escape(design_title)}</b>"
        table = decision_table_html(design)
        self.body.value = table if table is not None else f'<span class="p1x-note">{NO_TABLE}</span>'
