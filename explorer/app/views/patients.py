"""Expected patients and DLTs per dose, one bar per design (DLTs drawn as a narrower bar inside the patients bar)."""

from __future__ import annotations

from bokeh.models import ColumnDataSource, FactorRange, HoverTool

from ...core.oc import OperatingCharacteristics
from .grouped import grouped
from .style import compact_legend, darker, dose_axis, fit_title, new_figure, short_labels

TITLE = "Patients and DLTs per dose"
#: The patients bars' opacity (light theme, dark theme), and how much darker the DLT bars are in the dark theme: on
#: a dark background a pale bar is a dim one, so there the patients bars are opaque and the DLT bars deepened.
PALE = (0.35, 0.75)
DEEPER = 0.55


class PatientsView:
    """E[patients] (wide, pale bars) and E[DLTs] (narrow, deep bars) per dose and design. In the dark theme the pale
    bars are drawn lighter and the DLT bars darker, so that "deep" stays the DLTs on a dark background too."""

    def __init__(self, name: str = "patients", theme: str = "light") -> None:
        self.dark = theme == "dark"
        self.source = ColumnDataSource({"x": [], "value": [], "dlts": [], "design": [], "colour": [],
                                        "deep": []}, name=name)
        self.fig = new_figure(TITLE, "dose", "patients (wide), DLTs (narrow)",
                              x_range=FactorRange(factors=[("DL1", "3+3")]))
        bars = self.fig.vbar(x="x", top="value", width=0.85, source=self.source, fill_color="colour",
                             fill_alpha=PALE[theme == "dark"], line_color="colour", legend_field="design")
        self.fig.vbar(x="x", top="dlts", width=0.45, source=self.source, fill_color="deep", line_color="colour")
        self.fig.add_tools(HoverTool(renderers=[bars], tooltips=[("", "@x"), ("patients", "@value{0.00}"),
                                                                 ("DLTs", "@dlts{0.00}")]))
        self.fig.y_range.start = 0
        self.fig.xaxis.major_label_text_font_size = "0px"
        self.fig.xaxis.group_text_font_size = "13px"
        self.fig.legend.location = "top_right"
        compact_legend(self.fig)
        self.layout = self.fig

    def show(self, labels: list[str], designs: list[str], ocs: list[OperatingCharacteristics],
             heading: str = "") -> None:
        """Draw expected patients and DLTs (heading: e.g. the arm)."""
        shown, unit = short_labels(labels)
        data = grouped(shown, designs, [list(oc.patients) for oc in ocs])
        self.fig.xaxis.axis_label = dose_axis(unit)
        data["dlts"] = [float(ocs[j].dlts[k]) for k in range(len(labels)) for j in range(len(designs))]
        data["deep"] = [darker(c, DEEPER) if self.dark else c for c in data["colour"]]
        self.fig.x_range.factors = data["x"]
        self.source.data = data
        fit_title(self.fig, f"{heading}: patients and DLTs" if heading else TITLE, room=40)
