"""One-step transitions of any design: from a trial's history, each outcome of the next cohort and what follows."""

from __future__ import annotations

from dataclasses import dataclass
from math import comb
from typing import Any

import numpy as np

from .designs.base import Design
from .outcomes import CohortOutcome, format_outcomes, parse_outcomes


@dataclass(frozen=True)
class Step:
    """What the design does at a state: the next dose (0-based) and cohort size, or stop with a selection."""

    stop: bool
    dose: int  # next dose if not stopped, else -1
    size: int
    selected: int  # if stopped: selected dose or -1 for none

    def describe(self, labels: list[str]) -> str:
        """In words, with 1-based dose levels."""
        if self.stop:
            return "stop; " + ("no dose selected" if self.selected < 0
                               else f"select dose {self.selected + 1} ({labels[self.selected]})")
        return f"treat {self.size} at dose {self.dose + 1} ({labels[self.dose]})"

    def to_dict(self) -> dict[str, Any]:
        """JSON form, 1-based doses (null where not applicable)."""
        return {"stop": self.stop, "dose": None if self.stop else self.dose + 1,
                "size": None if self.stop else self.size,
                "selected": (self.selected + 1 if self.selected >= 0 else None) if self.stop else None}


@dataclass(frozen=True)
class Transition:
    """One possible outcome of the next cohort, its probability under a truth (if given), and the design's step."""

    dlts: int
    outcome: str  # the next cohort in outcome-string notation, e.g. "2TNN"
    probability: float | None
    then: Step


@dataclass(frozen=True)
class Transitions:
    """The state reached by a history, what the design does there, and each outcome of that next cohort."""

    history: str
    now: Step
    next: list[Transition]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"history": self.history, "now": self.now.to_dict(),
                "next": [{"dlts": t.dlts, "outcome": t.outcome, "probability": t.probability,
                          "then": t.then.to_dict()} for t in self.next]}


def _step(design: Design, n: np.ndarray, x: np.ndarray, cur: int, extra: np.ndarray) -> tuple[Step, np.ndarray]:
    dec = design.decide(n[None], x[None], np.array([cur]), extra)
    stop = bool(dec.stop[0])
    room = design.max_n - int(n.sum())
    size = min(int(dec.size[0]), room)
    return Step(stop, -1 if stop else int(dec.dose[0]), 0 if stop else size,
                int(dec.selected[0]) if stop else -1), dec.extra


def replay(design: Design, cohorts: list[CohortOutcome]) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Counts, last dose and design memory after the given cohorts, replayed as the engine runs them (the design
    updates its memory at each decision; the cohorts given are applied whatever it recommended)."""
    K = design.n_doses
    n = np.zeros(K, dtype=np.int64)
    x = np.zeros(K, dtype=np.int64)
    cur, extra = -1, design.initial_extra(1)
    for c in cohorts:
        extra = design.decide(n[None], x[None], np.array([cur]), extra).extra
        n[c.level - 1] += len(c.dlts)
        x[c.level - 1] += sum(c.dlts)
        cur = c.level - 1
    return n, x, cur, extra


def one_step(design: Design, history: str, truth: np.ndarray | None = None) -> Transitions:
    """What the design does after `history` (an outcome string, "" for the start) and after each possible outcome
    of the next cohort; with a truth, each outcome's binomial probability."""
    cohorts = parse_outcomes(history, design.n_doses, design.max_n)
    n, x, cur, extra = replay(design, cohorts)
    now, extra = _step(design, n, x, cur, extra)
    out: list[Transition] = []
    if not now.stop:
        d, m = now.dose, now.size
        for y in range(m + 1):
            n2, x2 = n.copy(), x.copy()
            n2[d] += m
            x2[d] += y
            then, _ = _step(design, n2, x2, d, extra)
            p = None if truth is None else comb(m, y) * truth[d] ** y * (1 - truth[d]) ** (m - y)
            cohort = CohortOutcome(d + 1, tuple([True] * y + [False] * (m - y)))
            out.append(Transition(y, format_outcomes([cohort]), None if p is None else float(p), then))
    return Transitions(format_outcomes(cohorts), now, out)


def eliminated_after(design: Design, history: str) -> list[int]:
    """The doses (0-based) the design will never give again after `history` (an outcome string)."""
    n, x, cur, extra = replay(design, parse_outcomes(history, design.n_doses))
    extra = design.decide(n[None], x[None], np.array([cur]), extra).extra  # the memory as the design decides now
    return [int(d) for d in np.flatnonzero(design.eliminated(n[None], x[None], extra)[0])]


def transitions_text(t: Transitions, labels: list[str], markdown: bool = False) -> str:
    """The transitions as text lines, or as a Markdown table."""
    where = f"after {t.history!r}" if t.history else "at the start"
    head = f"{where}: {t.now.describe(labels)}"
    if markdown:
        out = f"{head}\n\n"
        if t.next:
            out += "| next cohort | DLTs | probability | then |\n|---|---:|---:|---|\n"
            out += "".join(f"| {s.outcome} | {s.dlts} | {_prob(s.probability)} | {s.then.describe(labels)} |\n"
                           for s in t.next)
        return out
    w = max((len(s.outcome) for s in t.next), default=0)
    return head + "\n" + "".join(f"  {s.outcome:<{w}}  {s.dlts} DLT{'s' if s.dlts != 1 else ' '}  "
                                 f"p = {_prob(s.probability)}  ->  {s.then.describe(labels)}\n" for s in t.next)


def _prob(p: float | None) -> str:
    return "–" if p is None else f"{p:.4f}"
