"""Compared designs as duration against correct selection: one point per design (mean trial duration, correct MTD
selection; with two arms both arms' correct selection), each with ±1.96 standard error bars both ways."""

from __future__ import annotations

from typing import Any

from bokeh.models import ColumnDataSource, HoverTool, Range1d, Whisker

from .style import design_colour, fit_title, new_figure, percent_axis

TITLE = "Duration vs correct MTD"


class DurationSelectionView:
    """One point per design: x the mean duration, y the probability of selecting the true MTD."""

    def __init__(self, theme: str = "light") -> None:
        self.source = ColumnDataSource({k: [] for k in ("design", "duration", "duration_se", "left", "right",
                                                        "correct", "correct_se", "lower", "upper", "colour", "offset")},
                                       name="duration-selection")
        self.fig = new_figure(TITLE, "mean trial duration", "correct MTD selected", y_range=Range1d(0, 1.02),
                              x_range=Range1d(0, 1))
        percent_axis(self.fig.yaxis)
        for dimension, base, lo, hi in (("height", "duration", "lower", "upper"),
                                        ("width", "correct", "left", "right")):
            w = Whisker(base=base, lower=lo, upper=hi, source=self.source, dimension=dimension, line_width=1.5,
                        line_color="colour")
            w.upper_head.size = w.lower_head.size = 8
            w.upper_head.line_color = w.lower_head.line_color = "colour"
            self.fig.add_layout(w)
        dots = self.fig.scatter("duration", "correct", source=self.source, size=12, color="colour",
                                legend_field="design")
        self.fig.text("duration", "correct", text="design", source=self.source, x_offset=9, y_offset="offset",
                      text_baseline="middle", text_font_size="12px",
                      text_color="#e0e0e0" if theme == "dark" else "#333333")
        self.fig.add_tools(HoverTool(renderers=[dots], tooltips=[
            ("", "@design"), ("mean duration", "@duration{0.0} (SE @duration_se{0.00})"),
            ("correct MTD", "@correct{0.0%} (SE @correct_se{0.0%})")]))
        self.fig.legend.visible = False  # each point is labelled with its design
        self.layout = self.fig

    def show(self, designs: list[str], durations: list[tuple[float, float]], correct: list[tuple[float, float]],
             unit: str, correct_label: str = "correct MTD selected") -> None:
        """Draw each design's (mean duration, its SE) and (correct selection, its SE)."""
        data: dict[str, list[Any]] = {k: [] for k in self.source.data}
        for j, (name, (d, dse), (c, cse)) in enumerate(zip(designs, durations, correct)):
            data["design"].append(name)
            data["duration"].append(float(d))
            data["duration_se"].append(float(dse))
            data["left"].append(float(d) - 1.96 * float(dse))
            data["right"].append(float(d) + 1.96 * float(dse))
            data["correct"].append(float(c))
            data["correct_se"].append(float(cse))
            data["lower"].append(max(float(c) - 1.96 * float(cse), 0.0))
            data["upper"].append(min(float(c) + 1.96 * float(cse), 1.0))
            data["colour"].append(design_colour(j))
            data["offset"].append(-9 if j % 2 == 0 else 9)  # labels of close points alternate above and below
        self.source.data = data
        if designs:  # room left of the points and, for their labels, right of them
            lo, hi = min(data["left"]), max(data["right"])
            span = max(hi - lo, 0.05 * hi, 1e-9)
            self.fig.x_range.start, self.fig.x_range.end = max(lo - 0.1 * span, 0.0), hi + 0.45 * span
        self.fig.xaxis.axis_label = "mean trial duration" + ("" if unit == "units" else f" ({unit})")
        self.fig.yaxis.axis_label = correct_label
        fit_title(self.fig, TITLE + ", ± 1.96 SE", room=40)
