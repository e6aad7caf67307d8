"""The design's decision table (escalate / stay / de-escalate by patients and DLTs), where the core offers one."""

from __future__ import annotations

import html
import importlib
from typing import Any

import ipywidgets as W

NO_TABLE = "No decision table for this design."


def _tables_module() -> Any | None:
    try:
        return importlib.import_module("explorer.core.tables")
    except ImportError:
        return None


def decision_table_html(design: Any) -> str | None:
    """The decision table of a built design as HTML, or None when the core has none for it."""
    mod = _tables_module()
    fn = getattr(mod, "decision_table", None) if mod is not None else None
    if fn is None:
        return None
    try:
        table = fn(design)
    except (ValueError, NotImplementedError, TypeError):
        return None
    if table is None:
        return None
    to_html = getattr(table, "to_html", None)
    if callable(to_html):
        return str(to_html())
    return f"<pre>{html.escape(str(table))}</pre>"


class DecisionTableView:
    """A clearly labelled place for the decision table of the first design picked."""

    def __init__(self) -> None:
        self.title = W.HTML("<b>Decision table</b>")
        self.body = W.HTML(NO_TABLE)
        self.widget = W.VBox([self.title, self.body])

    def show(self, design_title: str, design: Any) -> None:
        """Show the table of this design, or say there is none."""
        self.title.value = f"<b>Decision table: {html.escape(design_title)}</b>"
        table = decision_table_html(design)
        self.body.value = table if table is not None else f'<span class="p1x-note">{NO_TABLE}</span>'
