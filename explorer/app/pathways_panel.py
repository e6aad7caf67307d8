"""The pathways panel: a design and arm picker, how many cohorts ahead, the trial so far, and the dose-transition
pathways as a tree (views/pathways_tree.py) computed by core.pathways for the design and arm picked."""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from ..core.errors import OutcomeStringError
from ..core.pathways import Pathways, pathways
from ..core.protocol import Candidate, Protocol
from .design_panels import DesignPicker
from .views.pathways_tree import PathwaysTreeView


class PathwaysPanel:
    """Pickers and the tree; `show` offers the designs on screen, `pathways` is what is drawn."""

    def __init__(self) -> None:
        self.picker = DesignPicker("p1x-pick-pathways", arms=True)
        self.cohorts = W.ToggleButtons(options=[("1 cohort", 1), ("2 cohorts", 2), ("3 cohorts", 3)], value=2,
                                       style={"button_width": "auto"})
        self.history = W.Text(value="", placeholder="e.g. 1NNN 2NTN (empty: the start)", continuous_update=False,
                              description="Trial so far", style={"description_width": "initial"},
                              layout=W.Layout(width="100%", max_width="420px"))
        self.message = W.HTML("")
        self.tree = PathwaysTreeView()
        self.pathways: Pathways | None = None
        self._shown: tuple[Protocol, tuple[Candidate, ...], list[str]] | None = None
        self.picker.on_change(self.refresh)
        for w in (self.cohorts, self.history):
            w.observe(lambda _: self.refresh(), names="value")
        self.controls = W.VBox([W.HBox([self.picker.widget, self.cohorts],
                                       layout=W.Layout(flex_flow="row wrap", align_items="center")),
                                self.history, self.message]).add_class("p1x-pathways")

    def show(self, protocol: Protocol, candidates: tuple[Candidate, ...], names: list[str]) -> None:
        """Offer these designs (one name per candidate) and redraw."""
        self._shown = (protocol, candidates, names)
        arm_names = [a.name or "" for a in protocol.arms] if len(protocol.arms) == 2 else None
        self.picker.set_choices(names, arm_names)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the pathways for the pickers and the trial so far."""
        if self._shown is None:
            return
        protocol, candidates, names = self._shown
        i = min(self.picker.index, len(candidates) - 1)
        j = min(int(self.picker.arm.value or 0), len(protocol.arms) - 1)
        arm = protocol.arms[j]
        design = arm.build_design(protocol.target, candidates[i].designs[j])
        try:
            p = pathways(design, self.history.value.strip(), int(self.cohorts.value), np.asarray(arm.truth))
        except OutcomeStringError as e:
            self.message.value = f'<pre class="p1x-error" style="margin:2px 0">{html.escape(str(e))}</pre>'
            return
        own = (" (this arm on its own: the rules between the arms are not applied)"
               if len(protocol.arms) == 2 and protocol.arm_design is not None and
               protocol.arm_design.mode != "independent" else "")
        self.message.value = (f'<span class="p1x-note">Every outcome of the next cohorts and the dose '
                              f"{html.escape(names[i])} gives next; hover a node for the path's probability under "
                              f"the truth{' of Arm ' + html.escape(str(arm.name)) if arm.name else ''}{own}.</span>")
        self.pathways = p
        where = f"after {p.history}" if p.history else "from the start"
        arm_text = f", Arm {arm.name}" if arm.name else ""
        ahead = f"the next {p.cohorts} cohorts" if p.cohorts > 1 else "the next cohort"
        self.tree.show(p, arm.labels, f"{names[i]}{arm_text}: {ahead} {where}")
