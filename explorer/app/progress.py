"""The status line: what is shown (exact or how many trials), and a progress bar for work over 0.5 s."""

from __future__ import annotations

import html

import ipywidgets as W

SHOW_AFTER = 0.5  # seconds of refining before the progress bar appears


class Status:
    """A status text and a progress bar that appears only for slow work."""

    def __init__(self) -> None:
        self.text = W.HTML(value="").add_class("p1x-status")
        self.bar = W.FloatProgress(value=0.0, min=0.0, max=1.0, description="refining",
                                   layout=W.Layout(width="22em", visibility="hidden"))
        self.widget = W.HBox([self.text, self.bar], layout=W.Layout(align_items="center"))

    def say(self, text: str, css: str = "p1x-note") -> None:
        """Show a status message."""
        self.text.value = f'<span class="{css}">{html.escape(text)}</span>'

    def progress(self, fraction: float, elapsed: float) -> None:
        """Show progress once the work has taken longer than SHOW_AFTER."""
        self.bar.value = fraction
        if elapsed >= SHOW_AFTER and fraction < 1.0:
            self.bar.layout.visibility = "visible"

    def done(self) -> None:
        """Hide the progress bar."""
        self.bar.layout.visibility = "hidden"
