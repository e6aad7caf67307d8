"""Protocols coming into the app: a preset, an uploaded file, the one `serve` was given, the page's query."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..core.errors import ProtocolError
from ..core.protocol import Protocol
from ..core.protocol_file import load_protocol, loads_protocol
from ..presets import find_preset
from ..presets import preset as preset_protocol  # `preset` names the page's query below
from .messages import as_html
from .theme import requested_preset, requested_theme
from .words import design_name

if TYPE_CHECKING:
    from .controller import ExplorerApp

PROTOCOL_ENV = "PHASE1_EXPLORER_PROTOCOL"


class ProtocolsIn:
    """The app's ways in for a protocol (mixed into ExplorerApp, whose controls they fill)."""

    @classmethod
    def from_environment(cls, theme: str = "light", preset: str | None = None) -> ExplorerApp:
        """The app with the protocol named by $PHASE1_EXPLORER_PROTOCOL (set by `phase1-explorer serve`), if any;
        a preset asked for by key or title (the page's ?preset=) comes first."""
        path = os.environ.get(PROTOCOL_ENV)
        if path and find_preset(preset) is None:
            try:
                return cls(load_protocol(path), theme=theme)
            except ProtocolError as e:
                app = cls(theme=theme)
                app.files.message.value = as_html([f"{path}: {p}" for p in e.problems])
                return app
        return cls(theme=theme, preset=preset)

    def matching_page(self) -> ExplorerApp:
        """This app, or a new one if the page asked for another theme or preset (?theme=dark&preset=car4sar-arm-a)."""
        theme, asked = requested_theme(), requested_preset()
        if theme == self.theme and asked == self.opened_preset:
            return self
        return type(self).from_environment(theme=theme, preset=asked)

    def apply_preset(self, key: str) -> None:
        """Load a preset scenario (by key)."""
        self.apply_protocol(preset_protocol(key), preset=key)

    def apply_protocol(self, protocol: Protocol, preset: str | None = None) -> None:
        """Show a protocol in the controls (a preset, an uploaded file, or the one `serve` was given)."""
        with self.batch():
            self.form.show(protocol)
            self.presets.shown(preset, protocol)
            self.titles.loaded([design_name(m) for m in self.designs.picked()])
        self._arrange()

    def upload(self, content: bytes, name: str) -> None:
        """Restore a session from protocol JSON; a bad file shows the validator's messages and changes nothing."""
        try:
            self.apply_protocol(loads_protocol(content, name))
        except ProtocolError as e:
            self.files.message.value = as_html([f"{name}: {p}" for p in e.problems])
            return
        self.files.message.value = f'<span class="p1x-note">Opened {name}.</span>'

