"""The dose-transition pathways as a tree: one node per cohort outcome (left to right, cohort after cohort), coloured
by what the design does next, with each path's probability on hover. Fed a core.pathways.Pathways; draws only."""

from __future__ import annotations

from typing import Any

from bokeh.models import ColumnDataSource, HoverTool, LabelSet, Range1d

from ...core.pathways import Pathways
from .style import new_figure

#: What the design does next, and its colour (escalate, stay, de-escalate, stop).
ACTIONS = (("start", "#555555"), ("escalate", "#009E73"), ("stay", "#0072B2"), ("de-escalate", "#E69F00"),
           ("stop", "#D55E00"))


def tree_data(p: Pathways, labels: list[str]) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """The nodes (x = cohort, y = place among the paths' ends, text, action, colour, probability) and the edges
    (x0, y0, x1, y1) of the tree, leaves one unit apart and each inner node level with the middle of its children."""
    leaves = p.leaves()
    y: dict[int, float] = {leaf.id: float(len(leaves) - 1 - i) for i, leaf in enumerate(leaves)}
    for node in reversed(p.nodes):  # breadth-first order reversed: children before parents
        if node.id not in y:
            kids = [y[c.id] for c in p.children(node.id)]
            y[node.id] = sum(kids) / len(kids)
    colour = dict(ACTIONS)
    nodes: dict[str, list[Any]] = {k: [] for k in ("id", "x", "y", "text", "action", "colour", "probability", "next")}
    edges: dict[str, list[Any]] = {k: [] for k in ("x0", "y0", "x1", "y1")}
    for node in p.nodes:
        t = node.then
        if t.stop:
            action, nxt = "stop", "stop (" + ("none" if t.selected < 0 else str(t.selected + 1)) + ")"
        else:
            base = -1 if node.dose is None else node.dose
            action = ("start" if node.dose is None else "escalate" if t.dose > base else "stay" if t.dose == base
                      else "de-escalate")
            nxt = str(t.dose + 1)
        head = "start" if node.dose is None else node.outcome
        nodes["id"].append(node.id)
        nodes["x"].append(float(node.depth))
        nodes["y"].append(y[node.id])
        nodes["text"].append(f"{head} → {nxt}")
        nodes["action"].append(action)
        nodes["colour"].append(colour[action])
        nodes["probability"].append("–" if node.probability is None else f"{100 * node.probability:.2f}%")
        nodes["next"].append(t.describe(labels))
        if node.parent is not None:
            edges["x0"].append(float(node.depth - 1))
            edges["y0"].append(y[node.parent])
            edges["x1"].append(float(node.depth))
            edges["y1"].append(y[node.id])
    return nodes, edges


class PathwaysTreeView:
    """The tree plot; `show` redraws it for a Pathways."""

    def __init__(self) -> None:
        self.nodes = ColumnDataSource(tree_data_empty(), name="pathways-nodes")
        self.edges = ColumnDataSource({"x0": [], "y0": [], "x1": [], "y1": []}, name="pathways-edges")
        fig = new_figure("Dose-transition pathways", "cohort", "", height=420)
        fig.segment("x0", "y0", "x1", "y1", source=self.edges, line_color="#999999", line_width=1)
        dots = fig.scatter("x", "y", source=self.nodes, size=9, fill_color="colour", line_color="colour",
                           legend_field="action")
        fig.add_layout(LabelSet(x="x", y="y", text="text", source=self.nodes, x_offset=7, y_offset=-6,
                                text_font_size="10px"))
        fig.add_tools(HoverTool(renderers=[dots], tooltips=[("outcome → next", "@text"), ("then", "@next"),
                                                            ("P(path)", "@probability")]))
        fig.yaxis.visible = False
        fig.ygrid.grid_line_color = None
        fig.add_layout(fig.legend[0], "right")  # outside the plot: never over the root
        fig.x_range = Range1d(-0.2, 3.9)
        self.fig = fig
        self.layout = fig

    def show(self, p: Pathways, labels: list[str], title: str) -> None:
        """Draw these pathways (doses numbered from 1; `labels` for the hover text)."""
        nodes, edges = tree_data(p, labels)
        self.nodes.data = nodes
        self.edges.data = edges
        self.fig.title.text = title
        self.fig.x_range.end = p.cohorts + 0.9
        self.fig.xaxis.ticker = list(range(p.cohorts + 1))
        self.fig.height = max(300, min(1400, 16 * len(p.leaves()) + 90))


def tree_data_empty() -> dict[str, list[Any]]:
    """The node columns with no node."""
    return {k: [] for k in ("id", "x", "y", "text", "action", "colour", "probability", "next")}
