"""Both arms together: joint probabilities as bars (± 1.96 SE for Monte Carlo) and a table of the joint OCs."""

from __future__ import annotations

from bokeh.models import ColumnDataSource, DataTable, FactorRange, HoverTool, Range1d, TableColumn, Whisker

from ...core.oc import JointOC
from ..theme import table_stylesheets
from .grouped import add_whiskers, grouped
from .style import new_figure

TITLE = "Both arms: P(correct MTD in both), P(Arm B never opens), P(cap reached)"
METRIC_WIDTH, DESIGN_WIDTH = 385, 150


def _p(v: float, se: float) -> str:
    return f"{v:.3f}" + (f" (SE {se:.3f})" if se > 0 else "")


def joint_rows(j: JointOC, names: list[str]) -> list[tuple[str, str]]:
    """The joint OCs of one design as (what, value as text) rows; Monte Carlo probabilities with their SE."""
    se = j.stderr
    return [
        ("P(correct MTD in both arms)", _p(j.both_correct, se.get("both_correct", 0.0))),
        (f"P(Arm {names[1]} never opens)", _p(j.b_never_opens, se.get("b_never_opens", 0.0))),
        ("P(overall cap on patients reached)", _p(j.cap_reached, se.get("cap_reached", 0.0))),
        ("Mean total patients (SD)", f"{j.sample_size:.1f} (SD {j.sample_size_sd:.1f})"),
        ("Mean total DLTs", f"{j.dlts:.2f}"),
        (f"Mean patients in Arm {names[0]}", f"{j.patients_per_arm[0]:.1f}"),
        (f"Mean patients in Arm {names[1]}", f"{j.patients_per_arm[1]:.1f}"),
        (f"Share of patients in Arm {names[1]}", f"{100 * j.fraction_b:.0f}%"),
    ]


class JointView:
    """The joint OCs of each design: a bar figure of the three probabilities, and a table (one column per design)."""

    def __init__(self, theme: str) -> None:
        self.source = ColumnDataSource({"x": [], "value": [], "design": [], "colour": [], "lower": [], "upper": [],
                                        "se": []}, name="joint")
        self.fig = new_figure(TITLE, "", "probability", x_range=FactorRange(factors=[("both", "3+3")]),
                              y_range=Range1d(0, 1))
        bars = self.fig.vbar(x="x", top="value", width=0.85, source=self.source, fill_color="colour",
                             line_color="colour", legend_field="design")
        whiskers = Whisker(base="x", lower="lower", upper="upper", source=self.source, line_width=1.5)
        whiskers.upper_head.size = whiskers.lower_head.size = 8
        self.fig.add_layout(whiskers)
        self.fig.add_tools(HoverTool(renderers=[bars], tooltips=[("", "@x"), ("P", "@value{0.000}"),
                                                                 ("SE", "@se{0.0000}")]))
        self.fig.xaxis.major_label_text_font_size = "0px"  # the legend names the designs
        self.fig.xaxis.group_text_font_size = "13px"
        self.fig.add_layout(self.fig.legend[0], "right")  # outside: any of the bars may reach the top
        self.table_source = ColumnDataSource({"metric": []}, name="joint-table")
        self.table = DataTable(source=self.table_source, columns=[], index_position=None, sortable=False,
                               autosize_mode="none",
                               width=METRIC_WIDTH + DESIGN_WIDTH, height=310, row_height=30,
                               stylesheets=table_stylesheets(theme))
        self._designs: list[str] = []

    def show(self, designs: list[str], joints: list[JointOC], names: list[str], how: list[str]) -> None:
        """Draw each design's joint OCs (names: the arms'; how: "exact" or the Monte Carlo trials, per design)."""
        groups = ["correct MTD in both", "Arm B never opens", "cap reached"]
        keys = ("both_correct", "b_never_opens", "cap_reached")
        data = grouped(groups, designs, [[getattr(j, k) for k in keys] for j in joints])
        add_whiskers(data, [float(joints[d].stderr.get(k, 0.0)) for k in keys for d in range(len(designs))])
        self.fig.x_range.factors = data["x"]
        self.source.data = data
        mc = any(h != "exact" for h in how)
        self.fig.title.text = "Both arms together" + (", bars ± 1.96 SE" if mc else ", exact")
        if designs != self._designs:  # new columns only when the designs change (new models re-walk the document)
            self._designs = list(designs)
            self.table.columns = [TableColumn(field="metric", title="Both arms", width=METRIC_WIDTH),
                                  *(TableColumn(field=f"d{i}", title=d, width=DESIGN_WIDTH)
                                    for i, d in enumerate(designs))]
            self.table.width = METRIC_WIDTH + DESIGN_WIDTH * len(designs) + 2
        rows = [joint_rows(j, names) for j in joints]
        table: dict[str, list] = {"metric": [m for m, _ in rows[0]] + ["Computed"]}
        for i, (r, h) in enumerate(zip(rows, how)):
            table[f"d{i}"] = [v for _, v in r] + [h]
        self.table_source.data = table
