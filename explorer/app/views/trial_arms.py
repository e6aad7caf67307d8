"""One simulated two-arm trial: patients in order of arrival, coloured by arm, a cross for a DLT."""

from __future__ import annotations

from bokeh.models import ColumnDataSource, HoverTool, Range1d

from ...core.engine.trace import TrialTrace
from .style import arm_colour, new_figure, set_ticks

LIFT = 0.12  # Arm A's patients drawn a little below their dose, Arm B's a little above, so the arms read apart


class TwoArmTrialView:
    """Each patient a marker at the dose they got, in order of arrival; one step line per arm."""

    def __init__(self) -> None:
        self.sources = [ColumnDataSource({"patient": [], "level": [], "marker": [], "outcome": [], "arm": []},
                                         name=f"trial-{'ab'[j]}") for j in range(2)]
        self.fig = new_figure("One simulated two-arm trial", "patient (in order of arrival)", "dose level",
                              y_range=Range1d(0.5, 4.5), x_range=Range1d(0, 10))
        self.renderers = []
        for j, src in enumerate(self.sources):
            self.fig.step("patient", "level", source=src, mode="center", line_color=arm_colour(j), line_width=1.5,
                          line_alpha=0.6)
            self.renderers.append(self.fig.scatter("patient", "level", source=src, marker="marker",
                                                   color=arm_colour(j), size=15, line_width=3,
                                                   legend_label=f"Arm {'AB'[j]}"))
        self.fig.add_tools(HoverTool(renderers=self.renderers, tooltips=[("patient", "@patient"), ("arm", "@arm"),
                                                                         ("outcome", "@outcome")]))
        self.fig.legend.location = "top_left"
        self.layout = self.fig

    def show(self, labels: list[str], trace: TrialTrace, names: list[str]) -> list[str]:
        """Draw the trial; returns each arm's outcome string (the caller says what each arm selected)."""
        for j, src in enumerate(self.sources):
            mine = [i for i, a in enumerate(trace.arm) if a == j]
            src.data = {"patient": [i + 1 for i in mine],
                        "level": [trace.dose[i] + 1 + (LIFT if j else -LIFT) for i in mine],
                        "marker": ["x" if trace.dlt[i] else "circle" for i in mine],
                        "outcome": ["DLT" if trace.dlt[i] else "no DLT" for i in mine],
                        "arm": [names[j]] * len(mine)}
            self.fig.legend.items[j].label = {"value": f"Arm {names[j]}"}
        k, n = len(labels), len(trace.arm)
        self.fig.y_range.start, self.fig.y_range.end = 0.5, k + 0.5
        set_ticks(self.fig.yaxis, list(range(1, k + 1)))
        self.fig.yaxis.major_label_overrides = {j + 1: lab for j, lab in enumerate(labels)}
        self.fig.x_range.start, self.fig.x_range.end = 0, max(n, 1) + 1
        self.fig.title.text = f"One simulated two-arm trial: {n} patients"
        return [trace.outcomes(j) for j in range(2)]
