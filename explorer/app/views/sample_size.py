"""The distribution of the trial's sample size, one line per design (with two arms: both arms together, solid,
and each arm, dashed for A and dotted for B)."""

from __future__ import annotations

from bokeh.models import ColumnDataSource, HoverTool

from ...core.oc import JointOC, OperatingCharacteristics
from .style import compact_legend, design_colour, new_figure, percent_axis

TITLE = "Distribution of the number of patients"
ARM_DASHES = ("dashed", "dotted")


class SampleSizeView:
    """P(N = n) for each design."""

    def __init__(self) -> None:
        self.lines = ColumnDataSource({"xs": [], "ys": [], "design": [], "colour": [], "dash": []},
                                      name="sample-size")
        self.points = ColumnDataSource({"n": [], "p": [], "design": [], "colour": []})
        self.fig = new_figure(TITLE, "patients enrolled (N)", "share of trials")
        percent_axis(self.fig.yaxis)
        self.fig.multi_line("xs", "ys", source=self.lines, line_color="colour", line_width=2, line_dash="dash",
                            legend_field="design")
        dots = self.fig.scatter("n", "p", source=self.points, color="colour", size=8)
        self.fig.add_tools(HoverTool(renderers=[dots], tooltips=[("design", "@design"), ("N", "@n"),
                                                                 ("trials", "@p{0.0%}")]))
        self.fig.y_range.start = 0
        self.fig.legend.location = "top_left"
        compact_legend(self.fig)
        self.layout = self.fig

    def show(self, designs: list[str], ocs: list[OperatingCharacteristics] | list[JointOC],
             title: str = TITLE, arms: list[tuple[str, list[OperatingCharacteristics]]] | None = None) -> None:
        """Draw each design's sample size distribution (a trial's, or both arms' together); `arms`: each arm's
        name and its OCs per design, drawn as lines without dots."""
        lines: dict[str, list] = {"xs": [], "ys": [], "design": [], "colour": [], "dash": []}
        points: dict[str, list] = {"n": [], "p": [], "design": [], "colour": []}
        for j, (name, oc) in enumerate(zip(designs, ocs)):
            ns = sorted(oc.sample_size_distribution)
            ps = [oc.sample_size_distribution[n] for n in ns]
            lines["xs"].append(ns)
            lines["ys"].append(ps)
            lines["design"].append(f"{name}, both arms" if arms else name)
            lines["colour"].append(design_colour(j))
            lines["dash"].append("solid")
            points["n"] += ns
            points["p"] += ps
            points["design"] += [name] * len(ns)
            points["colour"] += [design_colour(j)] * len(ns)
        for (arm, arm_ocs), dash in zip(arms or [], ARM_DASHES):
            for j, oc in enumerate(arm_ocs):
                ns = sorted(oc.sample_size_distribution)
                lines["xs"].append(ns)
                lines["ys"].append([oc.sample_size_distribution[n] for n in ns])
                lines["design"].append(f"Arm {arm}")
                lines["colour"].append(design_colour(j))
                lines["dash"].append(dash)
        self.lines.data = lines
        self.fig.title.text = title
        self.points.data = points
