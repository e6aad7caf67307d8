"""Selection probability of each dose and of no dose, one bar per design, with Monte Carlo SE whiskers."""

from __future__ import annotations

from bokeh.models import ColumnDataSource, FactorRange, HoverTool, Range1d, Whisker

from ...core.oc import OperatingCharacteristics
from .grouped import add_whiskers, grouped
from .style import NONE_LABEL, compact_legend, dose_axis, fit_title, new_figure, percent_axis, short_labels

TITLE = "Dose selected as the MTD"


class SelectionView:
    """P(select dose k) and P(no selection) per design."""

    def __init__(self, name: str = "selection") -> None:
        self.source = ColumnDataSource({"x": [], "value": [], "design": [], "colour": [], "lower": [],
                                        "upper": [], "se": []}, name=name)
        self.fig = new_figure(TITLE, "dose (and no dose selected)", "trials selecting it",
                              x_range=FactorRange(factors=[("DL1", "3+3")]), y_range=Range1d(0, 1))
        bars = self.fig.vbar(x="x", top="value", width=0.85, source=self.source, fill_color="colour",
                             line_color="colour", legend_field="design")
        self.whiskers = Whisker(base="x", lower="lower", upper="upper", source=self.source, line_width=1.5)
        self.whiskers.upper_head.size = self.whiskers.lower_head.size = 8
        self.fig.add_layout(self.whiskers)
        self.fig.add_tools(HoverTool(renderers=[bars], tooltips=[("", "@x"), ("selected", "@value{0.0%}"),
                                                                 ("SE", "@se{0.00%}")]))
        percent_axis(self.fig.yaxis)
        self.fig.xaxis.major_label_text_font_size = "0px"  # the legend names the designs
        self.fig.xaxis.group_text_font_size = "13px"
        self.fig.x_range.range_padding = 0.05
        self.fig.legend.location = "top_left"
        compact_legend(self.fig)
        self.layout = self.fig

    def show(self, labels: list[str], designs: list[str], ocs: list[OperatingCharacteristics],
             heading: str = "") -> None:
        """Draw the selection probabilities of each design (labels: the ladder; heading: e.g. the arm)."""
        sel = [[*oc.selection, oc.no_selection] for oc in ocs]
        se = [[*oc.stderr.get("selection", [0.0] * len(labels)), oc.stderr.get("no_selection", 0.0)] for oc in ocs]
        shown, unit = short_labels(labels)
        data = grouped([*shown, NONE_LABEL], designs, sel)
        self.fig.xaxis.axis_label = dose_axis(unit, " or none selected")
        add_whiskers(data, [float(se[j][k]) for k in range(len(labels) + 1) for j in range(len(designs))])
        self.fig.x_range.factors = data["x"]
        self.source.data = data
        mc = any(oc.method == "monte-carlo" for oc in ocs)
        # with two arms the plots are narrow: the arm is the title (the status line says whether it is exact)
        if heading:
            fit_title(self.fig, heading + (", ± 1.96 SE" if mc else ""), room=30)
        else:
            fit_title(self.fig, TITLE + (", bars ± 1.96 SE" if mc else ", exact"))
