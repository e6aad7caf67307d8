"""The protocol's title follows the designs while the user has not typed one ("…, 3+3" becomes "…, 3+3 vs BOIN"
when BOIN is ticked), so the title and the download's file name never name designs no longer shown."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as W

JOIN = " vs "


def follow_designs(title: str, old: list[str], new: list[str]) -> str | None:
    """The title with the old design names (joined by " vs ") replaced by the new ones; None if it does not name
    them as a whole word (then it stays as it is)."""
    if not old or not new:
        return None
    said = JOIN.join(old)
    i = title.rfind(said)
    if i < 0:
        return None
    before, after = title[i - 1: i], title[i + len(said): i + len(said) + 1]
    if before.isalnum() or after.isalnum():
        return None
    return title[:i] + JOIN.join(new) + title[i + len(said):]


class TitleFollower:
    """The title box: `loaded(names)` after a preset or a file filled it, `follow(names)` when the designs change
    (it changes the title unless the user typed one); `on_typed(callback)` for the user's edits."""

    def __init__(self, text: W.Text) -> None:
        self.text = text
        self.typed = False
        self.names: list[str] = []
        self._setting = False
        self._listeners: list[Callable[[], None]] = []
        text.observe(self._on_edit, names="value")

    def on_typed(self, callback: Callable[[], None]) -> None:
        """Call callback() when the user edits the title."""
        self._listeners.append(callback)

    def loaded(self, names: list[str]) -> None:
        """A preset or file put its title in: it follows the designs again."""
        self.typed = False
        self.names = list(names)

    def follow(self, names: list[str]) -> None:
        """The designs shown are now `names`: follow them, unless the user typed the title."""
        if not names or names == self.names:
            return
        new = None if self.typed else follow_designs(self.text.value, self.names, names)
        self.names = list(names)
        if new is not None and new != self.text.value:
            self._setting = True
            try:
                self.text.value = new
            finally:
                self._setting = False

    def _on_edit(self, _: dict) -> None:
        if self._setting:
            return
        self.typed = True
        for cb in self._listeners:
            cb()
