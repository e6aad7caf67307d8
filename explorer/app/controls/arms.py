"""One arm or two: the switch, the arms' names and the arm design's options (from ARM_DESIGN_OPTIONS)."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from ...core.arms.spec import ARM_DESIGN_OPTIONS
from ...core.errors import Problem
from .common import Notifier, heading, message_area
from .design import OptionField, read_fields

ONE, TWO = 1, 2


class ArmControls(Notifier):
    """The number of arms and, for two arms, their names and how they share the trial (CAR4SAR's Arm A / Arm B)."""

    def __init__(self) -> None:
        self.count = W.ToggleButtons(options=[("One arm", ONE), ("Two arms", TWO)], value=ONE,
                                     style={"button_width": "9em"})
        self.count.add_class("p1x-arms-count")
        style, lay = {"description_width": "4em"}, W.Layout(width="22em")
        self.name_a = W.Text(value="A", description="Arm A", style=style, layout=lay)
        self.name_b = W.Text(value="B", description="Arm B", style=style, layout=lay)
        self.fields = [OptionField(o, where="arm_design") for o in ARM_DESIGN_OPTIONS]
        for f in self.fields:
            f.widget.add_class(f"p1x-arm-{f.option.name}")
        self.names_message = message_area()
        self.message = message_area()  # problems with the arm design, and the `ordered` warning
        self.message.add_class("p1x-arms-message")
        super().__init__()
        for w in (self.count, self.name_a, self.name_b, *(f.widget for f in self.fields)):
            w.observe(lambda _: self._changed(), names="value")
        self.count.observe(lambda _: self._show_details(), names="value")
        self.names_box = W.VBox([
            W.HTML('<span class="p1x-note">Names as they appear in the plots, e.g. "A (systemic)" and '
                   '"B (systemic + local)". Both arms use the ladder, design and start level below.</span>'),
            self.name_a, self.name_b, self.names_message])
        self.widget = self.count
        self.design_widget = W.VBox([self.names_box, heading("How the arms share the trial"),
                                     *(f.box for f in self.fields), self.message])
        self._show_details()

    @property
    def two(self) -> bool:
        """Whether the trial has two arms."""
        return self.count.value == TWO

    def names(self) -> list[str]:
        """The arms' names as typed (A first)."""
        return [self.name_a.value, self.name_b.value]

    def spec(self) -> tuple[dict[str, Any], list[Problem]]:
        """The protocol's `arm_design` object (options left empty take their defaults), and reading problems."""
        return read_fields(self.fields)

    def load(self, two: bool, names: list[str] | None = None, arm_design: dict[str, Any] | None = None) -> None:
        """Show one arm, or two with these names and arm design (others back to defaults), with one notification."""
        with self.quietly():
            self.count.value = TWO if two else ONE
            if names is not None:
                self.name_a.value, self.name_b.value = names
            if arm_design is not None:
                for f in self.fields:
                    f.set(arm_design.get(f.option.name))
        self._changed()

    def _show_details(self) -> None:
        self.names_box.layout.display = "" if self.two else "none"
