"""Route a ProtocolError's problems to the control group each belongs to, in words a user reads."""

from __future__ import annotations

import html
import re

from ..core.errors import Problem

_INDEX = re.compile(r"^(?:arms\[\d\]\.)?(doses|truth)\[(\d+)\]")
_ARM = re.compile(r"^arms\[(\d)\]\.?")


def group_of(field: str) -> str:
    """The control group for a problem's field path ("truth[2]" → "truth", "arms[1].truth[0]" → "truth_b")."""
    arm = _ARM.match(field)
    if arm:
        rest = field[arm.end():]
        if rest.startswith("truth"):
            return "truth_b" if arm.group(1) == "1" else "truth"
        if rest.startswith("name"):
            return "arm_names"
        if rest.startswith("start_dose"):
            return "start_dose"
        if rest.startswith("doses"):
            return "ladder"
        return "arms"
    if field.startswith(("arm_design", "arms")):
        return "arms"
    if field.startswith("doses"):
        return "ladder"
    if field.startswith("truth"):
        return "truth"
    if field in ("target", "start_dose"):
        return field
    if field in ("trials", "seed", "method"):
        return "run"
    return "general"


def warning_group(text: str) -> tuple[str, str]:
    """Where a protocol warning goes, and its text there ("arms[1].truth is not…" → "truth_b", "The truth is not…")."""
    arm = re.match(r"^arms\[(\d)\]\.truth", text)
    if arm:
        return ("truth_b" if arm.group(1) == "1" else "truth"), "The truth" + text[arm.end():]
    if text.startswith('"ordered"') or text.startswith("arm_design"):
        return "arms", text
    return "truth", text


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
