"""Both arms together: joint probabilities as bars (± 1.96 SE for Monte Carlo) and a table of the joint OCs."""

from __future__ import annotations

import ipywidgets as W
from bokeh.models import ColumnDataSource, FactorRange, HoverTool, Range1d, Whisker

from ...core.oc import JointOC
from ..words import METRICS, pct
from .grouped import add_whiskers, grouped
from .style import new_figure, percent_axis
from .summary import Columns, html_table

TITLE = "Both arms together"


def _p(v: float, se: float) -> str:
    return pct(v) + (f" (SE {pct(se, 2)})" if se > 0 else "")


def joint_rows(j: JointOC, names: list[str]) -> list[tuple[str, str, str]]:
    """The joint OCs of one design as (what, tooltip, value as text) rows; Monte Carlo probabilities with their SE."""
    se = j.stderr
    a, b = names

    def m(key: str, value: str, **names: str) -> tuple[str, str, str]:
        return METRICS[key].label.format(**names), METRICS[key].tip.format(**names), value

    return [
        m("both_correct", _p(j.both_correct, se.get("both_correct", 0.0))),
        m("b_never_opens", _p(j.b_never_opens, se.get("b_never_opens", 0.0)), b=b),
        m("cap_reached", _p(j.cap_reached, se.get("cap_reached", 0.0))),
        m("joint_sample_size", f"{j.sample_size:.1f} (SD {j.sample_size_sd:.1f})"),
        m("joint_dlts", f"{j.dlts:.2f}"),
        m("patients_arm", f"{j.patients_per_arm[0]:.1f}", arm=a),
        m("patients_arm", f"{j.patients_per_arm[1]:.1f}", arm=b),
        m("fraction_b", pct(j.fraction_b, 0), b=b),
    ]


class JointView:
    """The joint OCs of each design: a bar figure of the three probabilities, and a table (one column per design);
    `table_source.data` holds the table's cells (column "metric", then "d0", "d1"... per design)."""

    def __init__(self) -> None:
        self.source = ColumnDataSource({"x": [], "value": [], "design": [], "colour": [], "lower": [], "upper": [],
                                        "se": []}, name="joint")
        self.fig = new_figure(TITLE, "", "probability", x_range=FactorRange(factors=[("both", "3+3")]),
                              y_range=Range1d(0, 1))
        bars = self.fig.vbar(x="x", top="value", width=0.85, source=self.source, fill_color="colour",
                             line_color="colour", legend_field="design")
        whiskers = Whisker(base="x", lower="lower", upper="upper", source=self.source, line_width=1.5)
        whiskers.upper_head.size = whiskers.lower_head.size = 8
        self.fig.add_layout(whiskers)
        self.fig.add_tools(HoverTool(renderers=[bars], tooltips=[("", "@x"), ("probability", "@value{0.0%}"),
                                                                 ("SE", "@se{0.00%}")]))
        percent_axis(self.fig.yaxis)
        self.fig.xaxis.major_label_text_font_size = "0px"  # the legend names the designs
        self.fig.xaxis.group_text_font_size = "13px"
        self.fig.add_layout(self.fig.legend[0], "right")  # outside: any of the bars may reach the top
        self.table = W.HTML("").add_class("p1x-joint")
        self.table_source = Columns(["metric"])
        self.headers: list[str] = []  # the table's column titles

    def show(self, designs: list[str], joints: list[JointOC], names: list[str], how: list[str]) -> None:
        """Draw each design's joint OCs (names: the arms'; how: "exact" or the Monte Carlo trials, per design)."""
        groups = ["correct MTD in both", f"Arm {names[1]} never opens", "cap reached"]
        keys = ("both_correct", "b_never_opens", "cap_reached")
        data = grouped(groups, designs, [[getattr(j, k) for k in keys] for j in joints])
        add_whiskers(data, [float(joints[d].stderr.get(k, 0.0)) for k in keys for d in range(len(designs))])
        self.fig.x_range.factors = data["x"]
        self.source.data = data
        mc = any(h != "exact" for h in how)
        self.fig.title.text = TITLE + (", bars ± 1.96 SE" if mc else ", exact")
        rows = [joint_rows(j, names) for j in joints]
        table: dict[str, list[str]] = {"metric": [m for m, _, _ in rows[0]] + [METRICS["how"].label]}
        for i, (r, h) in enumerate(zip(rows, how)):
            table[f"d{i}"] = [v for _, _, v in r] + [h]
        self.table_source.data = table
        header = [("Both arms", "What both arms do together"), *((d, "") for d in designs)]
        self.headers = [h for h, _ in header]
        tips = [t for _, t, _ in rows[0]] + [METRICS["how"].tip]
        body = [[m] + [table[f"d{i}"][k] for i in range(len(designs))] for k, m in enumerate(table["metric"])]
        self.table.value = html_table(header, body, "p1x-joint-table", row_tips=tips)
