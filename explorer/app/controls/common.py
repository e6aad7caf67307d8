"""Small widget helpers shared by the controls."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

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


class Notifier:
    """Change listeners of a control group, and quiet sections whose widget changes notify no one (the caller
    then notifies once, e.g. after loading a whole preset)."""

    def __init__(self) -> None:
        self._listeners: list[Callable[..., None]] = []
        self._quiet = False

    def on_change(self, callback: Callable[..., None]) -> None:
        """Call callback() after a change (LadderControls passes what changed)."""
        self._listeners.append(callback)

    @contextmanager
    def quietly(self) -> Iterator[None]:
        """Widget changes inside notify no one."""
        was, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = was

    def _changed(self, *args: Any) -> None:
        if self._quiet:
            return
        for cb in self._listeners:
            cb(*args)
