"""Route problems and warnings to the control group each belongs to (by field path and code, never by text), in
words a user reads."""

from __future__ import annotations

import html

from ..core.errors import ORDER_CONTRADICTED, TRUTH_NOT_INCREASING, Notice, Problem

#: A design's group: ("design", i) for the i-th ticked design (0: the protocol's own, 1…: its compare list).
Group = str | tuple[str, int]


def group_of(path: tuple[str | int, ...]) -> Group:
    """The control group for a field path (("truth", 2) → "truth", ("arms", 1, "truth", 0) → "truth_b",
    ("compare", 0, "max_n") → ("design", 1))."""
    head = path[0] if path else ""
    if head == "arms" and len(path) >= 3 and isinstance(path[1], int):
        rest = path[2]
        if rest == "truth":
            return "truth_b" if path[1] == 1 else "truth"
        if rest == "name":
            return "arm_names"
        if rest == "start_dose":
            return "start_dose"
        if rest == "doses":
            return "ladder"
        if rest == "design":
            return ("design", 0)
        if rest == "time":  # an arm's own DLT window settings: shown with the clock
            return "time"
        return "arms"
    if head in ("arms", "arm_design"):
        return "arms"
    if head == "doses":
        return "ladder"
    if head == "truth":
        return "truth"
    if head == "design":
        return ("design", 0)
    if head == "compare":
        return ("design", path[1] + 1) if len(path) > 1 and isinstance(path[1], int) else ("design", 0)
    if head in ("target", "start_dose", "sample_size"):  # sample_size: the app's one for every design
        return head
    if head in ("trials", "seed", "method"):
        return "run"
    if head == "time":
        return "time"
    return "general"


def readable(problem: Problem) -> str:
    """The message with 0-based dose indices shown as the 1-based dose levels users see."""
    path = problem.path
    if path and path[0] == "arms" and len(path) > 2:
        path = path[2:]
    level = path[1] if len(path) > 1 and path[0] in ("doses", "truth") and isinstance(path[1], int) else None
    return (f"Dose level {level + 1}: " if level is not None else "") + problem.message


def route_problems(problems: list[Problem]) -> dict[Group, list[str]]:
    """Each problem's readable message under its group."""
    out: dict[Group, list[str]] = {}
    for p in problems:
        out.setdefault(group_of(p.path), []).append(readable(p))
    return out


def route_warnings(warnings: tuple[Notice, ...] | list[Notice]) -> dict[Group, list[str]]:
    """Protocol warnings under the control group they concern, phrased for it."""
    out: dict[Group, list[str]] = {}
    for w in warnings:
        group = group_of(w.path) if w.field else "general"
        text = w.message
        if w.code == TRUTH_NOT_INCREASING:
            text = "The truth" + text[len(w.field):] if text.startswith(w.field) else text
        elif w.code == ORDER_CONTRADICTED:
            group = "arms"
        out.setdefault(group, []).append(text)
    return out


def as_html(messages: list[str], css: str = "p1x-error") -> str:
    """Messages as an HTML block (empty string when there are none)."""
    if not messages:
        return ""
    items = "".join(f"<div>⚠ {html.escape(m)}</div>" for m in dict.fromkeys(messages))
    return f'<div class="{css}">{items}</div>'
