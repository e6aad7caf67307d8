"""Where everything sits on the page, a dashboard: a header (preset, title, files, status), the controls in a left
column of collapsible sections, and the results to the right: the truth and selection plots side by side with the
summary table under them (on a 1280×720 projector all three show without scrolling), then tabs for the rest."""

from __future__ import annotations

import ipywidgets as W

from .drawing import SnapshotDrawing
from .protocol_form import ProtocolForm
from .theme import page_css
from .views.embed import PageEditsModel, as_widget

CONTROLS_WIDTH = "340px"


def section(title: str, body: list[W.Widget], opened: bool, css: str) -> W.Accordion:
    """A collapsible section of the controls column (each opens and closes on its own)."""
    acc = W.Accordion(children=[W.VBox(body)], selected_index=0 if opened else None)
    acc.set_title(0, title)
    return acc.add_class("p1x-section").add_class(css)


def grid(children: list[W.Widget], columns: int) -> W.GridBox:
    """Plots side by side, as wide as the results column allows."""
    return W.GridBox(children, layout=W.Layout(grid_template_columns=f"repeat({columns}, minmax(0, 1fr))",
                                               grid_gap="6px 10px", width="100%"))


class PageLayout:
    """The page's widget tree; `arrange(two)` shows one arm's results or both arms' (sending the plots' state when
    they come onto the page)."""

    def __init__(self, theme: str, header: list[list[W.Widget]], form: ProtocolForm, drawing: SnapshotDrawing) -> None:
        """`header`: the widgets of the header's rows (the app's title is put first); `form`: the controls;
        `drawing`: the views, panels and notes that show results (pathways and report as the last tabs)."""
        views, panels, time_panel = drawing.views, drawing.panels, drawing.time_panel
        pathways, report, notes = drawing.pathways_panel, drawing.report_panel, drawing.notes.widget
        self.views = views
        self.time_panel = time_panel
        self.panels = panels
        self.notes = notes
        w, t = panels.walkthrough, theme
        self.bokeh: dict[str, PageEditsModel] = {
            "truth": as_widget(views.truth.layout, t, (views.truth.points, views.truth.points_b)),
            "selection": as_widget(views.selection.layout, t), "patients": as_widget(views.patients.layout, t),
            "sample_size": as_widget(views.sample_size.layout, t), "trial": as_widget(w.one.layout, t),
            "selection_b": as_widget(views.selection_b.layout, t), "patients_b": as_widget(views.patients_b.layout, t),
            "joint": as_widget(views.joint.fig, t), "trial_arms": as_widget(w.two.layout, t),
            **{name: as_widget(plot, t) for name, plot in time_panel.plots.items()},
        }
        self.extra_tabs: list[tuple[str, W.Widget]] = []
        self.bokeh["pathways"] = as_widget(pathways.tree.layout, t)
        self.extra_tabs.append(("Pathways", W.VBox([pathways.controls, self.bokeh["pathways"]])))
        self.extra_tabs.append(("Report", report.widget))
        for name, bw in self.bokeh.items():
            bw.layout = W.Layout(width="100%", min_width="0")
            bw.add_class(f"p1x-plot-{name.replace('_', '-')}")
        self.two_arm_section = section("Two arms: names and how they share the trial", [form.arms.design_widget],
                                       True, "p1x-section-arms")
        controls = [form.arms.widget,
                    section("Designs", [form.designs.widget], True, "p1x-section-designs"),
                    section("True DLT probability per dose", [form.truth.widget, form.truth_b.widget], True,
                            "p1x-section-truth"),
                    self.two_arm_section,
                    section("Time: arrivals and DLT window", [form.clock.widget], False, "p1x-section-time"),
                    section("Dose ladder", [form.ladder.widget], False, "p1x-section-ladder"),
                    section("Target, start dose and computing", [form.settings.widget], False,
                            "p1x-section-settings")]
        column = W.VBox(controls, layout=W.Layout(width=CONTROLS_WIDTH, min_width=CONTROLS_WIDTH,
                                                  margin="0 14px 0 0")).add_class("p1x-controls")
        rows = [W.HBox(row, layout=W.Layout(flex_flow="row wrap", align_items="center")) for row in header]
        rows[0].children = (W.HTML('<div class="p1x-title">Phase I dose-escalation explorer</div>'),
                            *rows[0].children)
        self.top = W.Box(layout=W.Layout(width="100%"))
        self.tabs = W.Tab(layout=W.Layout(width="100%")).add_class("p1x-tabs")
        views.summary.widget.layout = W.Layout(width="100%")  # wider tables scroll inside, never off the page
        self.results = W.VBox([self.top, notes, views.summary.widget, self.tabs],
                              layout=W.Layout(flex="1 1 0", min_width="0")).add_class("p1x-results")
        self._shown: tuple[bool, bool] | None = None  # (two arms, with a clock)
        self.tab_contents: list[W.Widget] = []  # each tab's content, put into it when first shown
        self.widget = W.VBox([W.HTML(page_css(t)), *rows,
                              W.HBox([column, self.results], layout=W.Layout(align_items="flex-start", width="100%"))],
                             layout=W.Layout(padding="0 4px")).add_class("p1x-app")

    def arrange(self, two: bool, timed: bool = False) -> None:
        """Show the results of one arm or of two, with the clock's tabs first when the trial has one (nothing to do
        when that is what is shown)."""
        if self._shown == (two, timed):
            return
        first = self._shown is None
        self._shown = (two, timed)
        self.two_arm_section.layout.display = "" if two else "none"
        b, p, w = self.bokeh, self.panels, self.panels.walkthrough
        trial = W.VBox([p.trial_picker.widget, b["trial_arms" if two else "trial"],
                        W.HBox([w.another, w.outcome], layout=W.Layout(align_items="center"))])
        narrow = W.Layout(max_width="900px", width="100%")
        if two:
            top = grid([b["truth"], b["selection"], b["selection_b"]], 3)
            tabs = [("Patients", grid([b["patients"], b["patients_b"]], 2)),
                    ("Sample size", W.Box([b["sample_size"]], layout=narrow)),
                    ("Both arms", grid([b["joint"], self.views.joint.table], 2)),
                    ("Simulated trial", trial), ("Decision table", p.table_widget), ("What next", p.next_widget)]
        else:
            top = grid([b["truth"], b["selection"]], 2)
            tabs = [("Patients", W.Box([b["patients"]], layout=narrow)),
                    ("Sample size", W.Box([b["sample_size"]], layout=narrow)),
                    ("Simulated trial", W.Box([trial], layout=narrow)),
                    ("Decision table", p.table_widget), ("What next", p.next_widget)]
        if timed:
            tabs = self.time_panel.tabs(self.bokeh, grid) + tabs
        tabs += self.extra_tabs
        if not first:
            self._send_state(top)
        self.top.children = [top]
        self.tab_contents = [c for _, c in tabs]
        self.tabs.unobserve(self._fill_tab, "selected_index")
        self.tabs.children = [W.VBox(layout=W.Layout(width="100%")) for _ in tabs]
        for i, (title, _) in enumerate(tabs):
            self.tabs.set_title(i, title)
        self.tabs.selected_index = 0
        self._fill_tab()
        self.tabs.observe(self._fill_tab, "selected_index")

    def _fill_tab(self, _change: object = None) -> None:
        """Put the selected tab's content into it the first time it is shown, its plots with their current state:
        a browser draws every child of a tab at once, so tabs nobody opens would cost each page their plots."""
        i = self.tabs.selected_index
        if i is None or i >= len(self.tab_contents) or self.tabs.children[i].children:
            return
        self._send_state(self.tab_contents[i])
        self.tabs.children[i].children = [self.tab_contents[i]]

    def _send_state(self, root: W.Widget | None = None) -> None:
        """Send the whole current state of the plots in `root` (None: every plot) as widget state. Before `root`
        comes onto the page: plots not on the page took no patches, and their views are made from this state (never
        an empty or stale first frame)."""
        for bw in self.bokeh.values():
            if root is None or _contains(root, bw):
                bw.update_from_model(bw._model)

    def refresh(self) -> None:
        """Send every plot's whole current state (changes made before a Voila page connected, e.g. by later
        notebook cells, travel as patches that page never sees)."""
        self._send_state()


def _contains(root: W.Widget, widget: W.Widget) -> bool:
    """Whether `widget` is `root` or inside it."""
    todo = [root]
    while todo:
        w = todo.pop()
        if w is widget:
            return True
        todo += list(getattr(w, "children", ()))
    return False
