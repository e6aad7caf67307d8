"""The Preset menu: the ready-made scenarios, and "(your own)" once a file is opened or a control is changed away
from the preset shown (so the menu never claims a scenario the page no longer shows)."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as W

from ..core.protocol import Protocol
from ..presets import ORDER, preset

YOUR_OWN = "(your own)"
OWN = ""  # the menu value of "(your own)" (a Dropdown shows None as no choice at all)


def same_scenario(a: Protocol, b: Protocol) -> bool:
    """Whether two protocols are the same but for their title and description."""
    def bare(p: Protocol) -> dict:
        return {**p.to_dict(), "title": None, "description": None}
    return bare(a) == bare(b)


class PresetMenu:
    """The menu and the preset's description; `on_pick(callback(key))` when the user picks a preset."""

    def __init__(self, key: str) -> None:
        self.menu = W.Dropdown(options=[(YOUR_OWN, OWN), *((preset(k).title, k) for k in ORDER)], value=key,
                               description="Preset", style={"description_width": "initial"},
                               layout=W.Layout(width="25em"))
        self.menu.add_class("p1x-preset")
        self.note = W.HTML("")
        self._quiet = False
        self._listeners: list[Callable[[str], None]] = []
        self.menu.observe(self._on_pick, names="value")

    def on_pick(self, callback: Callable[[str], None]) -> None:
        """Call callback(key) when a preset is picked."""
        self._listeners.append(callback)

    def shown(self, key: str | None, protocol: Protocol) -> None:
        """A protocol is now in the controls: this preset's (key), or the user's own (None)."""
        self._set(key or OWN)
        self.note.value = (f'<span class="p1x-note">{html.escape(protocol.description)}</span>'
                           if key and protocol.description else "")

    def follow(self, protocol: Protocol) -> None:
        """The controls now make this protocol: "(your own)" if it is no longer the preset's scenario."""
        key = self.menu.value
        if key and not same_scenario(protocol, preset(key)):
            self._set(OWN)

    def _set(self, key: str) -> None:
        self._quiet = True
        try:
            self.menu.value = key
        finally:
            self._quiet = False

    def _on_pick(self, change: dict) -> None:
        if not self._quiet and change["new"]:
            for cb in self._listeners:
                cb(change["new"])
