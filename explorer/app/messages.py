"""Route a ProtocolError's problems to the control group each belongs to, in words a user reads."""

from __future__ import annotations

import html
import re

from ..core.errors import Problem

_INDEX = re.compile(r"^(doses|truth)\[(\d+)\]")


def group_of(field: str) -> str:
    """The control group for a problem's field path ("truth[2]" → "truth", "design.x" → "design:<method>")."""
    if field.startswith("doses"):
        return "ladder"
    if field.startswith("truth"):
        return "truth"
    if field in ("target", "start_dose"):
        return field
    if field in ("trials", "seed", "method"):
        return "run"
    return "general"


def readable(problem: Problem) -> str:
    """The message with 0-based field indices shown as the 1-based dose levels users see."""
    m = _INDEX.match(problem.field)
    where = f"Dose level {int(m.group(2)) + 1}: " if m else ""
    return where + problem.message


def as_html(messages: list[str], css: str = "p1x-error") -> str:
    """Messages as an HTML block (empty string when there are none)."""
    if not messages:
        return ""
    items = "".join(f"<div>⚠ {html.escape(m)}</div>" for m in dict.fromkeys(messages))
    return f'<div class="{css}">{items}</div>'
