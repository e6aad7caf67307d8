"""One maximum sample size for every design compared, so that comparisons are fair by default: it defaults to the
first design's (3+3 and A+B: what their rule allows, A + B per dose; a design with a max_n option: that option's
default), and a design takes its own only where the user types one under its options ("sets it apart")."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from ...core.designs.base import MAX_N, Design
from ...core.errors import Problem, ProtocolError

FIELD = "sample_size"  # the problems' field (the app's own control: no protocol key)


def has_max_n(cls: type[Design]) -> bool:
    """Whether the design's sample size is an option (BOIN, CRM...) rather than set by its rule (3+3, A+B)."""
    return any(o.name == MAX_N.name for o in cls.options)


def default_sample_size(first: type[Design], options: dict[str, Any], n_doses: int, target: float) -> int:
    """The shared sample size when none is typed: the first design's maximum (what its rule allows, or its max_n
    option's default)."""
    if has_max_n(first):
        return int(MAX_N.default)
    try:
        return first(n_doses, target, 0, **options).max_n
    except (ProtocolError, ValueError):
        return int(MAX_N.default)


def split_shared(designs: list[tuple[type[Design], dict[str, Any]]],
                 default: int) -> tuple[int | None, list[int | None]]:
    """A protocol's designs as the shared value (None: the default) and each design's own (None: the shared one):
    the first design with a max_n option gives the shared value; the others keep theirs only where it differs."""
    sizes = [int(o.get(MAX_N.name, MAX_N.default)) if has_max_n(c) else None for c, o in designs]
    given = [s for s in sizes if s is not None]
    if not given:
        return None, [None] * len(designs)
    shared = given[0]
    return (None if shared == default else shared), [s if s is not None and s != shared else None for s in sizes]


class SharedSampleSize:
    """The control: a number, or empty for the first design's maximum (shown as its placeholder)."""

    def __init__(self) -> None:
        self.text = W.Text(value="", description="Sample size, all designs",
                           tooltip="The most patients a trial may enrol, for every design ticked (a fair comparison: "
                                   "a larger trial selects better partly because it is larger). Empty: the first "
                                   "design's maximum. To give one design its own, type it under that design's options.",
                           style={"description_width": "initial"}, layout=W.Layout(width="98%"))
        self.text.add_class("p1x-shared-n")
        self.widget = W.VBox([self.text])

    def read(self, default: int, first: str = "") -> tuple[int, Problem | None]:
        """The shared maximum sample size (the default when empty: the first design's, named `first`), and a
        problem if the text is not one."""
        self.text.placeholder = f"{default}, as {first}" if first else str(default)
        text = self.text.value.strip()
        if not text:
            return default, None
        try:
            value = int(text)
        except ValueError:
            value = 0
        if not MAX_N.low <= value <= MAX_N.high:  # type: ignore[operator]
            return default, Problem(FIELD, f'"{text}" is not a sample size; give {MAX_N.bounds_text()}.')
        return value, None

    def set(self, value: int | None) -> None:
        """Show a value (None: empty, the default)."""
        self.text.value = "" if value is None else str(value)

    def show(self, visible: bool) -> None:
        """Shown only when a ticked design has a max_n option."""
        self.widget.layout.display = "" if visible else "none"
