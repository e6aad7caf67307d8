"""Small widget helpers shared by the controls."""

from __future__ import annotations

import ipywidgets as W

from ..messages import as_html


def message_area() -> W.HTML:
    """An HTML widget that shows validation messages next to a control group."""
    return W.HTML(value="", layout=W.Layout(width="100%"))


def show_messages(area: W.HTML, messages: list[str]) -> None:
    """Put messages (or nothing) into a message area."""
    area.value = as_html(messages)


def heading(text: str) -> W.HTML:
    """A bold section heading."""
    return W.HTML(f"<b>{text}</b>")
