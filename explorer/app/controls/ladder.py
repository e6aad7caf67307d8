"""The dose ladder: number of levels, a label each, optional numeric values and unit, log-spaced fill, dose −1."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from ...core.scenarios import dose_below, dose_label, log_ladder
from .common import Notifier, message_area

MIN_LEVELS, MAX_LEVELS = 2, 10


class LadderControls(Notifier):
    """Widgets for the dose ladder; `doses()` gives the protocol's `doses` list."""

    def __init__(self, labels: list[str], values: list[float] | None = None, unit: str = "") -> None:
        self.levels = W.BoundedIntText(value=len(labels), min=MIN_LEVELS, max=MAX_LEVELS, description="Levels",
                                       layout=W.Layout(width="11em"))
        self.use_values = W.Checkbox(value=values is not None, description="numeric values", indent=False,
                                     layout=W.Layout(width="auto"))
        self.unit = W.Text(value=unit, description="Unit", placeholder="e.g. cells/kg", layout=W.Layout(width="16em"))
        short = {"description_width": "3em"}
        self.fill_low = W.Text(value="1e5", description="from", style=short, layout=W.Layout(width="10em"))
        self.fill_high = W.Text(value="1e7", description="to", style=short, layout=W.Layout(width="10em"))
        self.fill = W.Button(description="Fill log-spaced", tooltip="values evenly spaced on a log scale",
                             layout=W.Layout(width="auto"))
        self.add_below = W.Button(description="Add dose −1", tooltip="add a level below the first",
                                  layout=W.Layout(width="auto"))
        self.rows = W.VBox()
        self.message = message_area()
        self.labels: list[W.Text] = []
        self.values: list[W.FloatText] = []
        self._rows: list[tuple[W.Text, W.FloatText, W.HBox]] = []
        super().__init__()
        self._set_rows(labels, values or [float(i + 1) for i in range(len(labels))])
        self.levels.observe(self._on_levels, names="value")
        self.use_values.observe(lambda _: (self._show_values(), self._changed("values")), names="value")
        self.unit.observe(lambda _: self._changed("values"), names="value")
        self.fill.on_click(lambda _: self.fill_log())
        self.add_below.on_click(lambda _: self.insert_below())
        self.widget = W.VBox([W.HBox([self.levels, self.use_values]), self.unit,
                              self.rows, W.HBox([self.fill_low, self.fill_high, self.fill]),
                              self.add_below, self.message])

    # ---- reading -------------------------------------------------------------------------
    def doses(self) -> list[Any]:
        """The ladder as in a protocol file: labels, or objects with value and unit."""
        if not self.use_values.value:
            return [t.value for t in self.labels]
        unit = self.unit.value.strip() or None
        return [{"label": t.value, "value": v.value, **({"unit": unit} if unit else {})}
                for t, v in zip(self.labels, self.values)]

    def label_list(self) -> list[str]:
        """The labels, lowest dose first."""
        return [t.value for t in self.labels]

    # ---- changing --------------------------------------------------------------------------
    def set_ladder(self, labels: list[str], values: list[float] | None, unit: str) -> None:
        """Replace the whole ladder (presets, uploads) with one change notification."""
        with self.quietly():
            self.levels.value = len(labels)
            self.use_values.value = values is not None
            self.unit.value = unit
            self._set_rows(labels, values or [float(i + 1) for i in range(len(labels))])
        self._changed("levels")

    def fill_log(self) -> None:
        """Fill values (and labels) log-spaced from `fill_low` to `fill_high`."""
        try:
            vals = log_ladder(float(self.fill_low.value), float(self.fill_high.value), len(self.labels))
        except ValueError:
            self.message.value = '<div class="p1x-error">⚠ Log-spaced fill needs 0 &lt; from &lt; to.</div>'
            return
        unit = self.unit.value.strip()
        self.set_ladder([dose_label(v, unit) for v in vals], vals, unit)

    def insert_below(self) -> None:
        """Add a level below the first ("dose −1")."""
        if len(self.labels) >= MAX_LEVELS:
            self.message.value = f'<div class="p1x-error">⚠ At most {MAX_LEVELS} levels.</div>'
            return
        labels = self.label_list()
        values = [v.value for v in self.values] if self.use_values.value else None
        label, value = dose_below(labels, values, self.unit.value.strip())
        new_values = [value] + values if values is not None and value is not None else None
        with self.quietly():
            self.levels.value = len(labels) + 1
            self._set_rows([label] + labels, new_values or [float(i + 1) for i in range(len(labels) + 1)])
        self._changed("below")

    def _on_levels(self, change: dict) -> None:
        if self._quiet:
            return
        n = change["new"]
        labels, values = self.label_list(), [v.value for v in self.values]
        while len(labels) < n:
            labels.append(self._next_label(labels))
            values.append(values[-1] * (values[-1] / values[-2]) if len(values) >= 2 and values[-2] > 0
                          else values[-1] + 1)
        self._set_rows(labels[:n], values[:n])
        self._changed("levels")

    @staticmethod
    def _next_label(labels: list[str]) -> str:
        k = len(labels) + 1
        while f"DL{k}" in labels:
            k += 1
        return f"DL{k}"

    def _set_rows(self, labels: list[str], values: list[float]) -> None:
        # rows are kept and reused: every widget made is sent to the page, so a reload must not make new ones
        for i in range(len(self._rows), len(labels)):
            text = W.Text(value=labels[i], layout=W.Layout(width="12em"))
            value = W.FloatText(value=values[i], layout=W.Layout(width="9em"))
            for w in (text, value):
                w.observe(lambda _: self._changed("values"), names="value")
            self._rows.append((text, value, W.HBox([W.Label(f"{i + 1}", layout=W.Layout(width="2em")), text, value])))
        with self.quietly():
            for (text, value, _), lab, v in zip(self._rows, labels, values):
                text.value, value.value = lab, v
        self.labels = [t for t, _, _ in self._rows[:len(labels)]]
        self.values = [v for _, v, _ in self._rows[:len(labels)]]
        self.rows.children = [row for _, _, row in self._rows[:len(labels)]]
        self._show_values()

    def _show_values(self) -> None:
        for v in self.values:
            v.layout.visibility = "visible" if self.use_values.value else "hidden"
