"""What the design does next: from a trial so far (an outcome string), each outcome of the next cohort and what
follows it, with its probability under the truth (the one-step dose-transition view; any design)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import numpy as np

from ...core.errors import OutcomeStringError
from ...core.transitions import Transitions, eliminated_after, one_step
from ..words import pct
from .decision_table import rows_as_html

HELP = ("The trial so far in outcome notation: dose level, then N (no DLT) or T (DLT) per patient, one cohort "
        "after another, e.g. <code>1NNN 2NTN</code>. Empty: the start of the trial.")


def transitions_rows(t: Transitions, labels: list[str]) -> list[tuple[str, list[str]]]:
    """The next cohort's outcomes as table rows: outcome, DLTs, probability, what the design does then."""
    rows: list[tuple[str, list[str]]] = [("Next cohort", ["DLTs", "probability", "then"])]
    for s in t.next:
        p = "–" if s.probability is None else pct(s.probability)
        rows.append((s.outcome, [str(s.dlts), p, s.then.describe(labels)]))
    return rows


class NextCohortView:
    """A box for the trial so far and, below it, what the design does now and after each outcome of the next
    cohort, and the doses it has eliminated; a bad outcome string is marked next to the box and the table cleared
    (an answer on screen always belongs to the text in the box)."""

    def __init__(self) -> None:
        self.history = W.Text(value="", placeholder="e.g. 1NNN 2NTN (empty: the start)", continuous_update=False,
                              description="Trial so far", style={"description_width": "initial"},
                              layout=W.Layout(width="100%", max_width="420px")).add_class("p1x-history")
        self.message = W.HTML("")
        self.now = W.HTML("")
        self.table = W.HTML("")
        self.widget = W.VBox([W.HTML(f'<span class="p1x-note">{HELP}</span>'),
                              self.history, self.message, self.now, self.table]).add_class("p1x-next")
        self._args: tuple[Any, np.ndarray | None, list[str], str] | None = None
        self.history.observe(lambda _: self.refresh(), names="value")

    def show(self, design: Any, truth: np.ndarray | None, labels: list[str], truth_name: str = "the truth") -> None:
        """Recompute for this design, truth and ladder (after any change of the protocol or of the pickers)."""
        self._args = (design, truth, labels, truth_name)
        self.refresh()

    def refresh(self) -> None:
        """Recompute from the current trial-so-far text."""
        if self._args is None:
            return
        design, truth, labels, truth_name = self._args
        history = self.history.value.strip()
        try:
            t = one_step(design, history, truth)
            gone = eliminated_after(design, history)
        except OutcomeStringError as e:  # bad characters, levels, or more patients than max_n: pointed at
            text = html.escape(str(e))
            self.message.value = f'<pre class="p1x-error" style="margin:2px 0;font-family:monospace">{text}</pre>'
            self.now.value = self.table.value = ""  # an answer on screen always belongs to the text in the box
            return
        self.message.value = ""
        where = f"After <code>{html.escape(t.history)}</code>" if t.history else "At the start"
        now = f"{where}: {html.escape(t.now.describe(labels))}."
        if gone:
            names = ", ".join(f"{d + 1} ({html.escape(labels[d])})" for d in gone)
            now += f"<br>Eliminated (never given again): dose{'s' if len(gone) > 1 else ''} {names}."
        self.now.value = now
        if t.next:
            self.table.value = (rows_as_html(transitions_rows(t, labels))
                                + f'<span class="p1x-note">Probabilities under {html.escape(truth_name)}.</span>')
        else:
            self.table.value = ""
