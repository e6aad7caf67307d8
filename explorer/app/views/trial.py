"""One simulated trial, patient by patient: dose on the y axis, DLTs marked (the teaching view)."""

from __future__ import annotations

from bokeh.models import ColumnDataSource, HoverTool, Range1d

from ...core.engine.trace import TrialTrace
from .style import new_figure, set_ticks


class TrialView:
    """Each patient a marker at the dose they got: a red ✕ for a DLT, a circle for none."""

    def __init__(self) -> None:
        self.patients = ColumnDataSource({"patient": [], "level": [], "marker": [], "colour": [], "outcome": [],
                                          "cohort": []})
        self.path = ColumnDataSource({"patient": [], "level": []})
        self.fig = new_figure("One simulated trial", "patient (in order of entry)", "dose level",
                              y_range=Range1d(0.5, 4.5), x_range=Range1d(0, 10))
        self.fig.step("patient", "level", source=self.path, mode="center", line_color="#888", line_width=1.5)
        dots = self.fig.scatter("patient", "level", source=self.patients, marker="marker", color="colour",
                                size=15, line_width=3)
        self.fig.add_tools(HoverTool(renderers=[dots], tooltips=[("patient", "@patient"), ("cohort", "@cohort"),
                                                                 ("outcome", "@outcome")]))
        self.layout = self.fig

    def show(self, labels: list[str], trace: TrialTrace, design: str) -> str:
        """Draw a one-arm trial; returns its outcome string (1-based levels, T = DLT, N = none)."""
        data: dict[str, list] = {k: [] for k in self.patients.data}
        i = 0
        for c_no, c in enumerate(trace.cohorts(), start=1):
            for dlt in c.dlts:
                i += 1
                data["patient"].append(i)
                data["level"].append(c.level)
                data["marker"].append("x" if dlt else "circle")
                data["colour"].append("#d62728" if dlt else "#2ca02c")
                data["outcome"].append("DLT" if dlt else "no DLT")
                data["cohort"].append(c_no)
        self.patients.data = data
        self.path.data = {"patient": data["patient"], "level": data["level"]}
        k = len(labels)
        self.fig.y_range.start, self.fig.y_range.end = 0.5, k + 0.5
        set_ticks(self.fig.yaxis, list(range(1, k + 1)))
        self.fig.yaxis.major_label_overrides = {j + 1: lab for j, lab in enumerate(labels)}
        self.fig.x_range.start, self.fig.x_range.end = 0, max(i, 1) + 1
        outcome = trace.outcomes()
        selected = trace.selected[0]
        chosen = labels[selected] if selected >= 0 else "no dose"
        self.fig.title.text = f"One simulated {design} trial: {i} patients → {chosen}"
        return outcome
