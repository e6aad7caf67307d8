"""Decision tables of interval designs: escalate / stay / de-escalate / eliminate by patients treated and DLTs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .designs.base import Design
from .designs.interval import DEESCALATE, ESCALATE, IntervalDesign

LETTER = {ESCALATE: "E", 0: "S", DEESCALATE: "D"}


@dataclass(frozen=True)
class DecisionTable:
    """Per number treated at the current dose: the DLT counts at which the design escalates, de-escalates or
    eliminates (None where it never does), as BOIN's `get.boundary` prints them."""

    method: str
    n: list[int]
    escalate_at_most: list[int | None]
    deescalate_at_least: list[int | None]
    eliminate_at_least: list[int | None]
    decisions: list[str]  # per n, one letter per x = 0..n: E, S, D, or U (eliminate: de-escalate, never return)

    def to_dict(self) -> dict[str, Any]:
        """JSON form, with get.boundary's row names."""
        return {"method": self.method, "n": self.n, "escalate_if_dlts_at_most": self.escalate_at_most,
                "deescalate_if_dlts_at_least": self.deescalate_at_least,
                "eliminate_if_dlts_at_least": self.eliminate_at_least, "decisions": self.decisions}

    def rows(self) -> list[tuple[str, list[str]]]:
        """The printed rows: a label and one cell per number treated."""
        def cells(v: list[int | None]) -> list[str]:
            return ["NA" if c is None else str(c) for c in v]
        return [("Number of patients treated", [str(c) for c in self.n]),
                ("Escalate if # of DLT <=", cells(self.escalate_at_most)),
                ("Deescalate if # of DLT >=", cells(self.deescalate_at_least)),
                ("Eliminate if # of DLT >=", cells(self.eliminate_at_least))]

    def as_text(self) -> str:
        """A fixed-width table like get.boundary's print."""
        rows = self.rows()
        w = max(len(label) for label, _ in rows)
        cw = max(len(c) for _, cs in rows for c in cs)
        return "".join(f"{label:<{w}} " + " ".join(f"{c:>{cw}}" for c in cs) + "\n" for label, cs in rows)

    def as_markdown(self) -> str:
        """A Markdown table."""
        rows = self.rows()
        head, *body = rows
        out = "| " + head[0] + " | " + " | ".join(head[1]) + " |\n"
        out += "|---|" + "---:|" * len(head[1]) + "\n"
        return out + "".join("| " + label + " | " + " | ".join(cs) + " |\n" for label, cs in body)


def has_decision_table(design: Design) -> bool:
    """Whether the design decides from a fixed per-(n, x) table (the interval designs)."""
    return isinstance(design, IntervalDesign)


def decision_table(design: Design) -> DecisionTable:
    """The decision table of an interval design, at multiples of its cohort size up to max_n."""
    if not isinstance(design, IntervalDesign):
        raise TypeError(f"{design.method} has no decision table (its decisions depend on more than n and x)")
    n_rows = design.table_rows()
    esc, de, el, letters = [], [], [], []
    for n in n_rows:
        act = design.action[n, : n + 1]
        elim = design.elim[n, : n + 1]
        esc.append(_last(act == ESCALATE))
        de.append(_first(act == DEESCALATE))
        el.append(_first(elim))
        letters.append("".join("U" if e else LETTER[int(a)] for a, e in zip(act, elim)))
    return DecisionTable(design.method, n_rows, esc, de, el, letters)


def _first(mask: np.ndarray) -> int | None:
    return int(np.argmax(mask)) if mask.any() else None


def _last(mask: np.ndarray) -> int | None:
    return int(mask.size - 1 - np.argmax(mask[::-1])) if mask.any() else None
