"""Expected patients and DLTs per dose, one bar per design (DLTs drawn inside the patients bar)."""

from __future__ import annotations

from bokeh.models import ColumnDataSource, FactorRange, HoverTool

from ...core.oc import OperatingCharacteristics
from .grouped import grouped
from .style import fit_title, new_figure

TITLE = "Expected patients (light) and DLTs (dark) per dose"


class PatientsView:
    """E[patients] (light bars) and E[DLTs] (dark inner bars) per dose and design."""

    def __init__(self, name: str = "patients") -> None:
        self.source = ColumnDataSource({"x": [], "value": [], "dlts": [], "design": [], "colour": []}, name=name)
        self.fig = new_figure(TITLE, "dose level", "patients",
                              x_range=FactorRange(factors=[("DL1", "3+3")]))
        bars = self.fig.vbar(x="x", top="value", width=0.85, source=self.source, fill_color="colour",
                             fill_alpha=0.35, line_color="colour", legend_field="design")
        self.fig.vbar(x="x", top="dlts", width=0.45, source=self.source, fill_color="colour", line_color="colour")
        self.fig.add_tools(HoverTool(renderers=[bars], tooltips=[("", "@x"), ("patients", "@value{0.00}"),
                                                                 ("DLTs", "@dlts{0.00}")]))
        self.fig.y_range.start = 0
        self.fig.xaxis.major_label_text_font_size = "0px"
        self.fig.xaxis.group_text_font_size = "13px"
        self.fig.legend.location = "top_right"
        self.layout = self.fig

    def show(self, labels: list[str], designs: list[str], ocs: list[OperatingCharacteristics],
             heading: str = "") -> None:
        """Draw expected patients and DLTs (heading: e.g. the arm)."""
        data = grouped(labels, designs, [list(oc.patients) for oc in ocs])
        data["dlts"] = [float(ocs[j].dlts[k]) for k in range(len(labels)) for j in range(len(designs))]
        self.fig.x_range.factors = data["x"]
        self.source.data = data
        fit_title(self.fig, f"{heading}: expected patients, DLTs (dark)" if heading else TITLE)
