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
                                   layout=W.Layout(width="16em", display="none"))
        self.widget = W.HBox([self.text, self.bar], layout=W.Layout(align_items="center"))

    def say(self, text: str, css: str = "p1x-note") -> None:
        """Show a status message."""
        self.text.value = f'<span class="{css}">{html.escape(text)}</span>'

    def progress(self, fraction: float, elapsed: float) -> None:
        """Show progress once the work has taken longer than SHOW_AFTER."""
        self.bar.value = fraction
        if elapsed >= SHOW_AFTER and fraction < 1.0:
            self.bar.layout.display = ""

    def showing(self, names: list[str], done: int, total: int, notes: list[str]) -> None:
        """Say what is shown: the designs, exact or how many Monte Carlo trials so far, and any notes."""
        how = ("exact (no simulation error)" if total == 0 else
               f"Monte Carlo: {done:,} of {total:,} trials" + ("" if done >= total else " (refining…)"))
        self.say(f"Showing {', '.join(names)}: {how}." + (" " + " ".join(notes) if notes else ""))

    def done(self) -> None:
        """Hide the progress bar."""
        self.bar.layout.display = "none"
