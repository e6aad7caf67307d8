"""How long the trial takes: each design's distribution of the trial's duration, drawn as the share of trials over
by each time (the pipeline's histogram added up bin by bin, so designs with different bins compare on one axis),
the median and the 90th percentile marked. With two arms: the whole trial solid, each arm dashed or dotted."""

from __future__ import annotations

from typing import Any

from bokeh.models import ColumnDataSource, HoverTool, Span

from ...core.clock.oc import Figure
from .style import compact_legend, design_colour, fit_title, new_figure, percent_axis

TITLE = "How long the trial takes"
ARM_DASHES = ("dashed", "dotted")


def cumulative(fig: Figure) -> tuple[list[float], list[float]]:
    """The distribution's bin edges and the share of trials over by each edge."""
    shares, total = [0.0], 0.0
    for p in fig.probability:
        total += float(p)
        shares.append(total)
    return [float(e) for e in fig.edges], shares


class DurationView:
    """The duration distribution of each design (a line each), its median and 90th percentile as dots."""

    def __init__(self) -> None:
        self.lines = ColumnDataSource({"xs": [], "ys": [], "design": [], "colour": [], "dash": []}, name="duration")
        self.points = ColumnDataSource({"x": [], "y": [], "design": [], "colour": [], "what": []},
                                       name="duration-quantiles")
        self.fig = new_figure(TITLE, "trial duration", "trials over by then")
        percent_axis(self.fig.yaxis)
        for level in (0.5, 0.9):
            self.fig.add_layout(Span(location=level, dimension="width", line_color="#888", line_alpha=0.5,
                                     line_dash="dotted"))
        self.fig.multi_line("xs", "ys", source=self.lines, line_color="colour", line_width=2.5, line_dash="dash",
                            legend_field="design")
        dots = self.fig.scatter("x", "y", source=self.points, color="colour", size=9)
        self.fig.add_tools(HoverTool(renderers=[dots], tooltips=[("", "@design"), ("", "@what"),
                                                                 ("time", "@x{0.0}")]))
        self.fig.y_range.start, self.fig.y_range.end = 0, 1.02
        self.fig.legend.location = "bottom_right"
        compact_legend(self.fig)
        self.layout = self.fig

    def show(self, designs: list[str], figures: list[Figure], unit: str,
             arms: list[tuple[str, list[Figure]]] | None = None) -> None:
        """Draw each design's duration (`figures`: the whole trial's, one per design); `arms`: each arm's name and
        its durations per design, drawn dashed (Arm A) and dotted (Arm B) without dots."""
        lines: dict[str, list[Any]] = {k: [] for k in self.lines.data}
        points: dict[str, list[Any]] = {k: [] for k in self.points.data}
        for j, (name, f) in enumerate(zip(designs, figures)):
            xs, ys = cumulative(f)
            lines["xs"].append(xs)
            lines["ys"].append(ys)
            lines["design"].append(f"{name}, whole trial" if arms else name)
            lines["colour"].append(design_colour(j))
            lines["dash"].append("solid")
            for level, value, what in ((0.5, f.median, "half of the trials are over by then (median)"),
                                       (0.9, f.p90, "90% of the trials are over by then")):
                points["x"].append(float(value))
                points["y"].append(level)
                points["design"].append(name)
                points["colour"].append(design_colour(j))
                points["what"].append(what)
        for (arm, per_design), dash in zip(arms or [], ARM_DASHES):
            for j, f in enumerate(per_design):
                xs, ys = cumulative(f)
                lines["xs"].append(xs)
                lines["ys"].append(ys)
                lines["design"].append(f"Arm {arm}")
                lines["colour"].append(design_colour(j))
                lines["dash"].append(dash)
        self.lines.data = lines
        self.points.data = points
        self.fig.xaxis.axis_label = "trial duration" + ("" if unit == "units" else f" ({unit})")
        fit_title(self.fig, TITLE, room=40)
