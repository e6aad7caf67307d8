"""Where everything sits on the page: the header, the controls column and the results (one arm's or two arms')."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from .result_views import ResultViews
from .theme import page_css
from .views.embed import PageEditsModel, as_widget

WRAP = {"flex_flow": "row wrap", "align_items": "flex-start"}


class PageLayout:
    """The page's widget tree; `arrange(two)` shows one arm's results or both arms' (sending the plots' state when
    they come onto the page)."""

    def __init__(self, theme: str, header: list[W.Widget], controls: list[W.Widget], views: ResultViews,
                 walkthrough: Any, rules: list[W.Widget]) -> None:
        self.views = views
        self.walkthrough = walkthrough
        self.rules = W.VBox(rules, layout=W.Layout(max_width="640px"))
        t = theme
        self.bokeh: dict[str, PageEditsModel] = {
            "truth": as_widget(views.truth.layout, t, (views.truth.points, views.truth.points_b)),
            "selection": as_widget(views.selection.layout, t), "patients": as_widget(views.patients.layout, t),
            "sample_size": as_widget(views.sample_size.layout, t), "summary": as_widget(views.summary.layout, t),
            "trial": as_widget(walkthrough.one.layout, t), "selection_b": as_widget(views.selection_b.layout, t),
            "patients_b": as_widget(views.patients_b.layout, t), "joint": as_widget(views.joint.fig, t),
            "joint_table": as_widget(views.joint.table, t), "trial_arms": as_widget(walkthrough.two.layout, t),
        }
        column = W.VBox(controls, layout=W.Layout(width="420px", min_width="420px", padding="0 12px 0 0"))
        self.results = W.VBox()
        self._two: bool | None = None
        top = W.VBox([W.HTML(page_css(t) + '<div class="p1x-title">Phase I dose-escalation explorer</div>'), *header])
        self.widget = W.VBox([top, W.HBox([column, self.results], layout=W.Layout(align_items="flex-start"))],
                             layout=W.Layout(padding="8px")).add_class("p1x-app")

    def arrange(self, two: bool) -> None:
        """Show the results of one arm or of two (nothing to do when that is what is shown)."""
        if self._two == two:
            return
        first = self._two is None
        self._two = two
        self.results.children = self._children(two)
        if not first:  # plots not on the page took no patches: send their whole state before they show
            self.refresh()

    def refresh(self) -> None:
        """Send every plot's whole current state as widget state (changes made before a Voila page connected,
        e.g. by later notebook cells, travel as patches that page never sees)."""
        for bw in self.bokeh.values():
            bw.update_from_model(bw._model)

    def _children(self, two: bool) -> list[W.Widget]:
        b = self.bokeh
        w = self.walkthrough
        trial = W.VBox([b["trial_arms" if two else "trial"], W.HBox([w.another, w.outcome])])
        if not two:
            return [W.HBox([b["truth"], b["selection"]], layout=W.Layout(**WRAP)),
                    W.HBox([b["patients"], b["sample_size"]], layout=W.Layout(**WRAP)),
                    W.HTML("<b>Summary</b>"), b["summary"],
                    W.HBox([trial, self.rules], layout=W.Layout(**WRAP))]
        trial.layout.width = "580px"  # the outcome strings wrap under the plot
        return [W.HBox([b["truth"], b["joint"]], layout=W.Layout(**WRAP)),
                W.HBox([b["selection"], b["selection_b"]], layout=W.Layout(**WRAP)),
                W.HBox([b["patients"], b["patients_b"]], layout=W.Layout(**WRAP)),
                W.HTML("<b>Each arm</b>"), b["summary"],
                W.HBox([b["sample_size"], b["joint_table"]], layout=W.Layout(**WRAP)),
                W.HBox([trial, self.rules], layout=W.Layout(**WRAP))]
