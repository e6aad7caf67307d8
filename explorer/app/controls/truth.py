"""The true toxicity curve: a value per dose, a curve from "MTD at level k" + steepness, random scenarios."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ...core.scenarios import curve_from_mtd, random_monotone
from .common import Notifier, heading, message_area

TITLE = "True DLT probability per dose"


class TruthControls(Notifier):
    """Widgets for the truth; `values()` gives the protocol's `truth` list (as typed, validated later)."""

    def __init__(self, truth: list[float], labels: list[str], seed: int = 1, title: str = TITLE,
                 css: str = "p1x-truth") -> None:
        self.css = css  # class prefix of the boxes and the message area (tests and the browser find them by it)
        self.rows = W.VBox()
        self.boxes: list[W.FloatText] = []
        self._rows: list[tuple[W.Label, W.FloatText, W.HBox]] = []
        self.mtd_level = W.BoundedIntText(value=min(3, len(truth)), min=1, max=len(truth), description="MTD at level",
                                          style={"description_width": "6.5em"}, layout=W.Layout(width="11em"))
        self.steepness = W.BoundedFloatText(value=1.0, min=0.1, max=5.0, step=0.1, description="steepness",
                                            style={"description_width": "5.5em"}, layout=W.Layout(width="10em"))
        self.generate = W.Button(description="Make curve", tooltip="logistic curve with the target at that level",
                                 layout=W.Layout(width="auto"))
        self.random = W.Button(description="Random monotone scenario", layout=W.Layout(width="auto"))
        self.message = message_area()
        self.message.add_class(f"{css}-message")
        self._rng = np.random.default_rng(seed)
        self._target = 0.25
        super().__init__()
        self._set_rows(truth, labels)
        self.generate.on_click(lambda _: self.set_values(curve_from_mtd(len(self.boxes), self.mtd_level.value,
                                                                        self._target, self.steepness.value)))
        self.random.on_click(lambda _: self.set_values(random_monotone(self._rng, len(self.boxes), self._target)))
        self.heading = heading(title)
        self.widget = W.VBox([
            self.heading,
            W.HTML('<span class="p1x-note">Type a value, or drag a point on the truth plot (or click the plot '
                   'to move the nearest dose there).</span>'),
            self.rows, self.message,
            W.HBox([self.mtd_level, self.steepness, self.generate], layout=W.Layout(flex_flow="row wrap")),
            self.random])

    def values(self) -> list[float]:
        """The truth as typed, lowest dose first."""
        return [float(b.value) for b in self.boxes]

    def set_title(self, title: str) -> None:
        """The heading above the boxes (e.g. which arm they belong to)."""
        self.heading.value = f"<b>{html.escape(title)}</b>"
        self.heading.layout.display = "" if title else "none"

    def set_target(self, target: float) -> None:
        """The target used by the curve generator and random scenarios."""
        self._target = target

    def set_values(self, values: list[float], labels: list[str] | None = None) -> None:
        """Replace the truth (and relabel) with one change notification."""
        with self.quietly():
            if labels is not None or len(values) != len(self.boxes):
                self._set_rows(values, labels or [f"DL{i + 1}" for i in range(len(values))])
            else:
                for b, v in zip(self.boxes, values):
                    b.value = float(v)
        self._changed()

    def set_one(self, level: int, value: float) -> None:
        """Set one dose's truth (0-based level), as a drag on the plot does."""
        if 0 <= level < len(self.boxes):
            self.boxes[level].value = round(float(value), 3)

    def relabel(self, labels: list[str], values: list[float]) -> None:
        """Follow the ladder: new labels, and values for a changed number of levels (no notification)."""
        with self.quietly():
            self._set_rows(values, labels)

    def _set_rows(self, values: list[float], labels: list[str]) -> None:
        # rows are kept and reused: every widget made is sent to the page, so a reload must not make new ones
        for i in range(len(self._rows), len(values)):
            box = W.FloatText(value=float(values[i]), step=0.01, layout=W.Layout(width="7em"))
            box.observe(lambda _: self._changed(), names="value")
            box.add_class(f"{self.css}-{i}")
            label = W.Label(layout=W.Layout(width="12em"))
            self._rows.append((label, box, W.HBox([label, box])))
        for i, (lab, v) in enumerate(zip(labels, values)):
            label, box, _ = self._rows[i]
            label.value, box.value = f"{i + 1}. {lab}", float(v)
        self.boxes = [box for _, box, _ in self._rows[:len(values)]]
        self.rows.children = [row for _, _, row in self._rows[:len(values)]]
        self.mtd_level.max = len(values)
