"""The design's decision table: the classic rule table of 3+3 and A+B, the escalate / stay / de-escalate boundaries
of the interval designs (BOIN's get.boundary form), or a word on why a model-based design has none."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W

from ...core.rule_table import has_rule_table, rule_table
from ...core.tables import decision_table, has_decision_table

NO_TABLE = ("No decision table for this design: its next step depends on more than the patients and DLTs at the "
            "current dose. See what it does next from any trial so far under “What next”.")


def rows_as_html(rows: list[tuple[str, list[str]]], css: str = "") -> str:
    """Labelled rows of cells as an HTML table (the first row is the header)."""
    out = [f'<div class="p1x-table-wrap"><table class="p1x-table p1x-rules {css}">']
    for i, (label, cells) in enumerate(rows):
        tag = "th" if i == 0 else "td"
        out.append(f'<tr><th class="p1x-left">{html.escape(label)}</th>'
                   + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>")
    return "".join(out) + "</table></div>"


def decision_table_html(design: Any) -> str | None:
    """The decision table of a built design as HTML, or None when it has none."""
    if has_rule_table(design):
        t = rule_table(design)
        head, *body = t.lines()
        notes = "".join(f'<div class="p1x-note">{html.escape(n)}</div>' for n in t.notes())
        return rows_as_html([(head[0], [head[1]]), *((s, [d]) for s, d in body)], "p1x-classic") + notes
    if has_decision_table(design):
        return rows_as_html(decision_table(design).rows())
    return None


class DecisionTableView:
    """The decision table of the design picked above it."""

    def __init__(self) -> None:
        self.title = W.HTML("")
        self.body = W.HTML(NO_TABLE)
        self.widget = W.VBox([self.title, self.body], layout=W.Layout(overflow="auto")).add_class("p1x-decisions")

    def show(self, design_title: str, design: Any) -> None:
        """Show the table of this design, or say there is none."""
        self.title.value = f"<b>Decision table: {html.escape(design_title)}</b>"
        table = decision_table_html(design)
        self.body.value = table if table is not None else f'<span class="p1x-note">{NO_TABLE}</span>'
