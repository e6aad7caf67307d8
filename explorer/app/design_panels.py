"""The per-design panels: the decision table, what the design does next and one simulated trial, each with its own
design picker (any of the designs ticked, not only the first) and, for "what next" with two arms, an arm picker
(whose truth gives the probabilities)."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W
import numpy as np

from ..core.protocol import Candidate, Protocol
from .views.decision_table import DecisionTableView
from .views.next_cohort import NextCohortView
from .walkthrough import Walkthrough


class DesignPicker:
    """A menu of the designs shown (by name) and, where `arms` is set and there are two, a choice of arm."""

    def __init__(self, css: str, arms: bool = False) -> None:
        self.design = W.Dropdown(options=[("3+3", 0)], value=0, description="Design",
                                 style={"description_width": "initial"}, layout=W.Layout(width="auto"))
        self.arm = W.ToggleButtons(options=[("Arm A", 0), ("Arm B", 1)], value=0, style={"button_width": "auto"},
                                   layout=W.Layout(display="none"))
        self.with_arms = arms
        self.widget = W.HBox([self.design, self.arm], layout=W.Layout(flex_flow="row wrap", align_items="center"))
        self.widget.add_class(css)
        self._listeners: list[Callable[[], None]] = []
        self._quiet = False
        for w in (self.design, self.arm):
            w.observe(lambda _: self._changed(), names="value")

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call callback() when the user picks another design or arm."""
        self._listeners.append(callback)

    def set_choices(self, names: list[str], arm_names: list[str] | None = None) -> None:
        """Offer these designs (and arms); the design picked stays picked while it is offered (by name)."""
        old = dict(self.design.options).get(self.design.label) if self.design.options else None
        keep = self.design.label if old is not None and self.design.label in names else None
        self._quiet = True
        try:
            self.design.options = [(n, i) for i, n in enumerate(names)]
            self.design.value = names.index(keep) if keep is not None else 0
            two = self.with_arms and arm_names is not None and len(arm_names) == 2
            if two:
                assert arm_names is not None
                self.arm.options = [(f"Arm {n}", i) for i, n in enumerate(arm_names)]
            else:
                self.arm.value = 0
            self.arm.layout.display = "" if two else "none"
        finally:
            self._quiet = False

    @property
    def index(self) -> int:
        """The design picked (its place among the names offered)."""
        return int(self.design.value or 0)

    def pick(self, name: str) -> None:
        """Pick a design by name (as a user would)."""
        self.design.value = [n for n, _ in self.design.options].index(name)

    def _changed(self) -> None:
        if not self._quiet:
            for cb in self._listeners:
                cb()


class DesignPanels:
    """The decision table, "what next" and the simulated trial, each following its own picker."""

    def __init__(self) -> None:
        self.decision = DecisionTableView()
        self.next = NextCohortView()
        self.walkthrough = Walkthrough()
        self.table_picker = DesignPicker("p1x-pick-table")
        self.next_picker = DesignPicker("p1x-pick-next", arms=True)
        self.trial_picker = DesignPicker("p1x-pick-trial")
        self.table_picker.on_change(self._show_table)
        self.next_picker.on_change(self._show_next)
        self.trial_picker.on_change(self._show_trial)
        self._shown: tuple[Protocol, tuple[Candidate, ...], list[str]] | None = None
        self.table_widget = W.VBox([self.table_picker.widget, self.decision.widget])
        self.next_widget = W.VBox([self.next_picker.widget, self.next.widget])

    def show(self, protocol: Protocol, candidates: tuple[Candidate, ...], names: list[str]) -> None:
        """Offer these designs (names as users know them, one per candidate) and redraw every panel."""
        self._shown = (protocol, candidates, names)
        arm_names = [a.name or "" for a in protocol.arms] if len(protocol.arms) == 2 else None
        for picker in (self.table_picker, self.next_picker, self.trial_picker):
            picker.set_choices(names, arm_names)
        self._show_table()
        self._show_next()
        self._show_trial()

    def _picked(self, picker: DesignPicker, arm: int = 0) -> tuple[Protocol, Candidate, str]:
        assert self._shown is not None
        protocol, candidates, names = self._shown
        i = min(picker.index, len(candidates) - 1)
        return protocol, candidates[i], names[i]

    def _show_table(self) -> None:
        if self._shown is None:
            return
        protocol, candidate, name = self._picked(self.table_picker)
        self.decision.show(name, protocol.arms[0].build_design(protocol.target, candidate.designs[0]))

    def _show_next(self) -> None:
        if self._shown is None:
            return
        protocol, candidate, name = self._picked(self.next_picker)
        j = min(int(self.next_picker.arm.value or 0), len(protocol.arms) - 1)
        arm = protocol.arms[j]
        truth_name = f"the truth of Arm {arm.name}" if arm.name else "the truth"
        self.next.show(arm.build_design(protocol.target, candidate.designs[j]), np.asarray(arm.truth), arm.labels,
                       truth_name)

    def _show_trial(self) -> None:
        if self._shown is None:
            return
        protocol, candidate, _ = self._picked(self.trial_picker)
        self.walkthrough.show(protocol, candidate)
