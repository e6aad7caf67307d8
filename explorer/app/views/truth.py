"""The truth curve: a point per dose (draggable), the target line, the acceptable band and the true MTD."""

from __future__ import annotations

from collections.abc import Callable

from bokeh.events import Tap
from bokeh.models import ColumnDataSource, HoverTool, Label, PointDrawTool, Range1d, Span

from .style import new_figure


class TruthView:
    """The truth plot; `on_drag(callback(level, value))` reports edits made in the browser."""

    def __init__(self) -> None:
        self.points = ColumnDataSource({"x": [], "y": [], "label": []})
        self.mtd = ColumnDataSource({"x": [], "y": []})
        self.fig = new_figure("True DLT probability (drag points to edit)", "dose level", "P(DLT)",
                              y_range=Range1d(0, 1), x_range=Range1d(0.5, 4.5))
        self.band = ColumnDataSource({"left": [], "right": [], "bottom": [], "top": []})
        self.target_line = Span(location=0.25, dimension="width", line_color="#e45756", line_dash="dashed",
                                line_width=2)
        self.target_label = Label(x=0.55, y=0.25, text="target", text_color="#e45756", text_font_size="13px",
                                  y_offset=4)
        self.fig.add_layout(self.target_line)
        self.fig.add_layout(self.target_label)
        self.fig.line("x", "y", source=self.points, line_width=2, color="#1f77b4")
        dots = self.fig.scatter("x", "y", source=self.points, size=14, color="#1f77b4", legend_label="truth")
        self.fig.quad(left="left", right="right", top="top", bottom="bottom", source=self.band,
                      fill_color="#2ca02c", fill_alpha=0.22, line_alpha=0, legend_label="acceptable band")
        self.fig.scatter("x", "y", source=self.mtd, marker="star", size=26, color="#ff7f0e",
                         legend_label="true MTD")
        drag = PointDrawTool(renderers=[dots], add=False, drag=True)
        self.fig.add_tools(drag, HoverTool(renderers=[dots], tooltips=[("dose", "@label"), ("P(DLT)", "@y{0.000}")]))
        self.fig.toolbar.active_tap = drag
        self.fig.legend.location = "top_left"
        self.layout = self.fig
        self._callbacks: list[Callable[[int, float], None]] = []
        self._quiet = False
        self.points.on_change("data", self._on_data)
        self.fig.on_event(Tap, self._on_tap)

    def show(self, labels: list[str], truth: list[float], target: float, band: tuple[float, float],
             mtd: int | None) -> None:
        """Draw a truth (0-based mtd, None if no dose is acceptable)."""
        xs = list(range(1, len(truth) + 1))
        self._quiet = True
        try:
            self.points.data = {"x": xs, "y": list(truth), "label": list(labels)}
        finally:
            self._quiet = False
        self.mtd.data = {"x": [mtd + 1], "y": [truth[mtd]]} if mtd is not None else {"x": [], "y": []}
        self.band.data = {"left": [0.5], "right": [len(truth) + 0.5], "bottom": [band[0]], "top": [band[1]]}
        self.target_line.location = target
        self.target_label.y = target
        self.target_label.text = f"target {target:g}"
        self.fig.x_range.start, self.fig.x_range.end = 0.5, len(truth) + 0.5
        self.fig.xaxis.ticker = xs
        self.fig.xaxis.major_label_overrides = {x: lab for x, lab in zip(xs, labels)}
        self.fig.title.text = ("True DLT probability (drag points to edit)" if mtd is not None
                               else "True DLT probability: no acceptable dose")

    def on_drag(self, callback: Callable[[int, float], None]) -> None:
        """Call callback(level 0-based, new value) when a point is dragged or the plot is clicked."""
        self._callbacks.append(callback)

    def _on_data(self, _attr: str, old: dict, new: dict) -> None:
        if self._quiet:
            return
        ys_old, ys_new = list(old.get("y", [])), list(new.get("y", []))
        for i, (a, b) in enumerate(zip(ys_old, ys_new)):
            if a != b or list(old["x"])[i] != list(new["x"])[i]:
                self._emit(i, b)
                return

    def _on_tap(self, event: Tap) -> None:
        if event.x is None or event.y is None:
            return
        n = len(self.points.data["x"])
        level = min(max(int(round(event.x)) - 1, 0), n - 1)
        self._emit(level, event.y)

    def _emit(self, level: int, value: float) -> None:
        value = min(max(float(value), 0.0), 1.0)
        for cb in self._callbacks:
            cb(level, value)
