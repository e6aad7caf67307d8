"""The classic decision table of the rule-based A+B family (3+3 first): what the rule does after each count of DLTs
among the first A patients at a dose and among A + B, read off the design's own `decide` (not a second copy of the
rule), in the middle of the ladder and where the highest or the lowest dose changes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .designs.a_plus_b import APlusB
from .designs.base import Design

ESCALATE = "escalate"  # treat the next cohort at the next dose up
MORE = "more"  # treat more patients at this dose
DOWN = "down"  # this dose exceeds the MTD: treat more at the dose below
MTD_BELOW = "mtd-below"  # this dose exceeds the MTD: stop, the dose below is the MTD
MTD_HERE = "mtd-here"  # stop: this dose is the MTD
STOP_NONE = "stop-none"  # stop: no dose is selected

#: Where on the ladder a row applies.
MIDDLE, HIGHEST, BELOW_EXCEEDED, LOWEST = "middle", "highest", "below_exceeded", "lowest"


@dataclass(frozen=True)
class RuleRow:
    """What the rule does with `treated` patients at the current dose and a DLT count in `dlts` (inclusive range);
    `action` when the dose below has only its first A patients, `if_below_full` when it already has A + B (None when
    that changes nothing); `size`: patients in the next cohort (0 when the trial stops)."""

    treated: int
    dlts: tuple[int, int]
    action: str
    size: int
    if_below_full: str | None = None

    def situation(self, a: int) -> str:
        """The row's condition in words, e.g. "2–3 of 3" or "1 of 6 (after 3 more)"."""
        lo, hi = self.dlts
        count = str(lo) if lo == hi else f"{lo} or {hi}" if hi == lo + 1 else f"{lo}–{hi}"
        return f"{count} of {self.treated}" + (f" (after {self.treated - a} more)" if self.treated > a else "")

    def decision(self, a: int, b: int) -> str:
        """The rule's step in words."""
        text = ("above the MTD: " if self.action in (DOWN, MTD_BELOW) else "") + _words(self.action, self.size)
        if self.if_below_full is not None:
            text += f", or, if it already has {a + b}, " + _words(self.if_below_full, 0, "it")
        return text


def _words(action: str, size: int, below: str = "the dose below") -> str:
    return {ESCALATE: f"escalate: treat {size} at the next dose",
            MORE: f"treat {size} more at this dose",
            DOWN: f"treat {size} more at {below}",
            MTD_BELOW: f"stop, {below} is the MTD",
            MTD_HERE: "stop: this dose is the MTD",
            STOP_NONE: "stop: no dose is selected"}[action]


@dataclass(frozen=True)
class RuleTable:
    """The rule at a dose in the middle of the ladder (`rows`), and the rows that differ from it at the highest dose,
    just below a dose that exceeded the MTD (no escalation is possible at either) and at the lowest dose."""

    method: str
    a: int
    b: int
    rows: tuple[RuleRow, ...]
    highest: tuple[RuleRow, ...]
    below_exceeded: tuple[RuleRow, ...]
    lowest: tuple[RuleRow, ...]

    def lines(self) -> list[tuple[str, str]]:
        """(DLTs at the current dose, what the rule does) for the middle of the ladder, header first."""
        return [("DLTs at the current dose", "then"),
                *((r.situation(self.a), r.decision(self.a, self.b)) for r in self.rows)]

    def notes(self) -> list[str]:
        """Where the highest dose, a dose just below one above the MTD, and the lowest dose differ, in words."""
        places = [("At the highest dose", self.highest), ("Just below a dose above the MTD", self.below_exceeded),
                  ("At the lowest dose", self.lowest)]
        if self.highest == self.below_exceeded:
            places[:2] = [("At the highest dose, and just below a dose above the MTD", self.highest)]
        return [where + ": " + "; ".join(f"{r.situation(self.a)} → {r.decision(self.a, self.b)}" for r in rows) + "."
                for where, rows in places if rows]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        def rows(rs: tuple[RuleRow, ...]) -> list[dict[str, Any]]:
            return [{"treated": r.treated, "dlts": list(r.dlts), "action": r.action, "size": r.size,
                     "if_below_full": r.if_below_full} for r in rs]
        return {"method": self.method, "a": self.a, "b": self.b, MIDDLE: rows(self.rows),
                HIGHEST: rows(self.highest), BELOW_EXCEEDED: rows(self.below_exceeded), LOWEST: rows(self.lowest)}

    def as_text(self) -> str:
        """A fixed-width table and its notes."""
        lines = self.lines()
        w = max(len(s) for s, _ in lines)
        return "".join(f"{s:<{w}}  {d}\n" for s, d in lines) + "".join(n + "\n" for n in self.notes())


def has_rule_table(design: Design) -> bool:
    """Whether the design is a rule-based A+B design (3+3 included)."""
    return isinstance(design, APlusB)


def rule_table(design: Design) -> RuleTable:
    """The classic table of an A+B design, from its own decisions on a three-dose ladder."""
    if not isinstance(design, APlusB):
        raise TypeError(f"{design.method} is not a rule-based A+B design")
    rule = type(design)(3, design.target, 0, **design.opts)
    a, b, e = rule.a, rule.b, rule.e
    grey = [x for x in range(a + 1) if _step(rule, {1: (a, x)}, 1)[0] == MORE]  # first-A counts that add B
    second = range(min(grey), max(grey) + b + 1) if grey else range(0)

    def rows(cur: int, before: dict[int, tuple[int, int]], full_below: dict[int, tuple[int, int]] | None,
             above: dict[int, tuple[int, int]] | None = None) -> list[RuleRow]:
        out = []
        for treated, counts in ((a, range(a + 1)), (a + b, second)):
            for x in counts:
                state = {**before, **(above or {}), cur: (treated, x)}
                action, size = _step(rule, state, cur)
                other = None
                if full_below is not None and action in (DOWN, MTD_BELOW, STOP_NONE):
                    other, _ = _step(rule, {**state, **full_below}, cur)
                    other = None if other == action else other
                out.append(RuleRow(treated, (x, x), action, size, other))
        return out

    escalated = (a, 0)  # the dose below, as the rule left it when escalating after its first cohort
    exceeded = (a, a) if a > rule.d else (a + b, a + b)  # a dose above the MTD (all its patients had a DLT)
    middle = rows(1, {0: escalated}, {0: (a + b, e)})
    edges = (rows(2, {0: escalated, 1: escalated}, {1: (a + b, e)}),  # the highest dose
             rows(1, {0: escalated}, {0: (a + b, e)}, {2: exceeded}),  # below a dose that exceeded the MTD
             rows(0, {}, None))  # the lowest dose
    differ = [_merge([r for r in edge if r not in middle]) for edge in edges]
    return RuleTable(design.method, a, b, tuple(_merge(middle)), *(tuple(d) for d in differ))


def _step(rule: APlusB, counts: dict[int, tuple[int, int]], cur: int) -> tuple[str, int]:
    """The rule's decision at dose `cur` with these (patients, DLTs) per dose, as an action and a cohort size."""
    n = np.zeros((1, rule.n_doses), dtype=np.int64)
    x = np.zeros((1, rule.n_doses), dtype=np.int64)
    for d, (nd, xd) in counts.items():
        n[0, d], x[0, d] = nd, xd
    dec = rule.decide(n, x, np.array([cur]), rule.initial_extra(1))
    if dec.stop[0]:
        sel = int(dec.selected[0])
        return (MTD_HERE if sel == cur else MTD_BELOW if sel == cur - 1 and sel >= 0 else STOP_NONE), 0
    dose, size = int(dec.dose[0]), int(dec.size[0])
    return (ESCALATE if dose > cur else MORE if dose == cur else DOWN), size


def _merge(rows: list[RuleRow]) -> list[RuleRow]:
    """Consecutive DLT counts with the same step as one row."""
    out: list[RuleRow] = []
    for r in rows:
        last = out[-1] if out else None
        if last is not None and (last.treated, last.action, last.size, last.if_below_full) == \
                (r.treated, r.action, r.size, r.if_below_full) and last.dlts[1] + 1 == r.dlts[0]:
            out[-1] = RuleRow(r.treated, (last.dlts[0], r.dlts[1]), r.action, r.size, r.if_below_full)
        else:
            out.append(r)
    return out
