"""The truth curves: a point per dose and arm (draggable), the target line, the acceptable band, the true MTDs."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from functools import partial

from bokeh.events import Tap
from bokeh.models import ColumnDataSource, HoverTool, Label, Legend, LegendItem, PointDrawTool, Range1d, Span

from .style import arm_colour, compact_legend, dose_axis, new_figure, percent_axis, set_ticks, short_labels

TITLE = "True DLT probability (drag points to edit)"
SHORT_TITLE = "True DLT probability"  # two arms: three plots side by side
#: The acceptable band's colour and opacity (light theme, dark theme): a contrast of at least 1.4 with the background.
BAND = (("#2ca02c", 0.3), ("#5fd35f", 0.3))
ECHOES = 16  # states per arm recognised when the page sends them back
SHIFT = 0.06  # with two arms, Arm A's points sit a little left of the dose and Arm B's right, so both can be grabbed


class TruthView:
    """The truth plot, one curve per arm; `on_drag(callback(arm, level, value))` reports edits made in the browser."""

    def __init__(self, theme: str = "light") -> None:
        self.points = ColumnDataSource({"x": [], "y": [], "label": []}, name="truth")
        self.points_b = ColumnDataSource({"x": [], "y": [], "label": []}, name="truth-b")
        self.mtd = ColumnDataSource({"x": [], "y": []}, name="truth-mtd")
        self.fig = new_figure(TITLE, "dose", "true DLT probability", y_range=Range1d(0, 1),
                              x_range=Range1d(0.5, 4.5))
        percent_axis(self.fig.yaxis)
        self.band = ColumnDataSource({"left": [], "right": [], "bottom": [], "top": []})
        self.target_line = Span(location=0.25, dimension="width", line_color="#e45756", line_dash="dashed",
                                line_width=2)
        self.target_label = Label(x=0.55, y=0.25, text="target", text_color="#e45756", text_font_size="13px",
                                  y_offset=4)
        self.fig.add_layout(self.target_line)
        self.fig.add_layout(self.target_label)
        dots = []
        for j, (source, marker) in enumerate(((self.points, "circle"), (self.points_b, "square"))):
            self.fig.line("x", "y", source=source, line_width=2, color=arm_colour(j))
            dots.append(self.fig.scatter("x", "y", source=source, size=14, color=arm_colour(j), marker=marker))
        band = self.fig.quad(left="left", right="right", top="top", bottom="bottom", source=self.band,
                             fill_color=BAND[theme == "dark"][0], fill_alpha=BAND[theme == "dark"][1], line_alpha=0)
        star = self.fig.scatter("x", "y", source=self.mtd, marker="star", size=26, color="#ff7f0e")
        self.items = [LegendItem(label="truth", renderers=[dots[0]]),
                      LegendItem(label="Arm B", renderers=[dots[1]], visible=False),
                      LegendItem(label="acceptable band", renderers=[band]),
                      LegendItem(label="true MTD", renderers=[star])]
        self.fig.add_layout(Legend(items=self.items, location="top_left"))
        compact_legend(self.fig)
        drag = PointDrawTool(renderers=dots, add=False, drag=True)
        self.fig.add_tools(drag, HoverTool(renderers=dots, tooltips=[("dose", "@label"),
                                                                     ("true DLT probability", "@y{0.0%}")]))
        self.fig.toolbar.active_tap = drag
        self.layout = self.fig
        self._callbacks: list[Callable[[int, int, float], None]] = []
        self._quiet = False
        self._sources = (self.points, self.points_b)
        self._shown: list[dict] = [{"x": [], "y": [], "label": []}, {"x": [], "y": [], "label": []}]
        self._recent: list[deque] = [deque(maxlen=ECHOES), deque(maxlen=ECHOES)]  # y lists recently sent
        self.points.on_change("data", partial(self._on_data, 0))
        self.points_b.on_change("data", partial(self._on_data, 1))
        self.fig.on_event(Tap, self._on_tap)

    def show(self, labels: list[str], truths: list[list[float]], target: float, band: tuple[float, float],
             mtds: list[int | None], names: list[str] | None = None) -> None:
        """Draw one truth, or two (Arm A, Arm B) with their names; mtds 0-based, None if no dose is acceptable."""
        two = len(truths) == 2
        xs = list(range(1, len(labels) + 1))
        shifts = (-SHIFT, SHIFT) if two else (0.0,)  # where each arm's points sit beside their dose
        for arm in range(2):
            data = ({"x": [x + shifts[arm] for x in xs], "y": list(truths[arm]), "label": list(labels)}
                    if arm < len(truths) else {"x": [], "y": [], "label": []})
            if data != self._shown[arm]:  # unchanged points are not sent (each send comes back as an echo)
                self._set(arm, data)
        stars = [(k + 1 + dx, t[k]) for t, k, dx in zip(truths, mtds, shifts) if k is not None]
        self.mtd.data = {"x": [s[0] for s in stars], "y": [s[1] for s in stars]}
        self.band.data = {"left": [0.5], "right": [len(labels) + 0.5], "bottom": [band[0]], "top": [band[1]]}
        self.target_line.location = target
        self.target_label.y = target
        self.target_label.text = f"target {100 * target:g}%"
        self.fig.x_range.start, self.fig.x_range.end = 0.5, len(labels) + 0.5
        set_ticks(self.fig.xaxis, xs)
        shown, unit = short_labels(labels)
        self.fig.xaxis.major_label_overrides = {x: lab for x, lab in zip(xs, shown)}
        self.fig.xaxis.axis_label = dose_axis(unit)
        self.items[0].label = {"value": f"Arm {names[0]}" if two and names else "truth"}
        self.items[1].label = {"value": f"Arm {names[1]}" if two and names else "Arm B"}
        self.items[1].visible = two
        none = [f"Arm {n}" for n, k in zip(names or [], mtds) if k is None] if two else []
        if not two and mtds[0] is None:
            self.fig.title.text = "True DLT probability: no acceptable dose"
        else:
            self.fig.title.text = f"True DLT probability: no acceptable dose in {', '.join(none)}" if none else \
                SHORT_TITLE if two else TITLE

    def on_drag(self, callback: Callable[[int, int, float], None]) -> None:
        """Call callback(arm 0/1, level 0-based, new value) when a point is dragged or the plot is clicked."""
        self._callbacks.append(callback)

    def _set(self, arm: int, data: dict) -> None:
        """Send one arm's points to the page (no drag callback), remembering what was sent."""
        self._quiet = True
        try:
            self._sources[arm].data = data
        finally:
            self._quiet = False
        self._shown[arm] = data
        self._recent[arm].append(list(data["y"]))

    def _on_data(self, arm: int, _attr: str, _old: dict, new: dict) -> None:
        if self._quiet:
            return
        shown = self._shown[arm]
        ys = list(new.get("y", []))
        # The page sends back every patch it applies. An echo of an older state (edits made in between) must not
        # undo the newer ones: that made two in-flight echoes undo each other forever.
        if ys in self._recent[arm] and ys != shown["y"]:
            self._set(arm, shown)
            return
        for i, (a, b) in enumerate(zip(shown["y"], ys)):
            if a != b:
                self._emit(arm, i, b)
                return
        if list(new.get("x", [])) != list(shown["x"]):  # moved sideways only: back beside its dose
            self._set(arm, shown)

    def _on_tap(self, event: Tap) -> None:
        if event.x is None or event.y is None:
            return
        n = len(self.points.data["x"])
        level = min(max(int(round(event.x)) - 1, 0), n - 1)
        curves = [s.data["y"] for s in (self.points, self.points_b) if len(s.data["y"]) == n]
        arm = min(range(len(curves)), key=lambda j: abs(curves[j][level] - event.y))  # the nearer curve
        self._emit(arm, level, event.y)

    def _emit(self, arm: int, level: int, value: float) -> None:
        value = min(max(float(value), 0.0), 1.0)
        for cb in self._callbacks:
            cb(arm, level, value)
