"""Problems and notices the core reports, each with where it applies as data (a field path) and, where the app or
the command line phrase it for their users, a code."""

from __future__ import annotations

import re
from dataclasses import dataclass

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def field_path(field: str) -> tuple[str | int, ...]:
    """A field as a path of keys and indices: "arms[1].truth[0]" → ("arms", 1, "truth", 0)."""
    return tuple(int(m.group(2)) if m.group(2) is not None else m.group(1) for m in _STEP.finditer(field))


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is (a field path such as "arms[1].truth[0]"), what it was, and what
    would be valid. `code` names problems the command line or the app phrase in their own words."""

    field: str
    message: str
    code: str = ""

    @property
    def path(self) -> tuple[str | int, ...]:
        """The field as keys and indices."""
        return field_path(self.field)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass(frozen=True)
class Notice:
    """A warning about a valid input, or a note on how a result was obtained: a code to route it by, the field it
    concerns (may be empty) and the message."""

    code: str
    message: str
    field: str = ""

    @property
    def path(self) -> tuple[str | int, ...]:
        """The field as keys and indices."""
        return field_path(self.field)

    def __str__(self) -> str:
        return self.message


# Notice codes
TRUTH_NOT_INCREASING = "truth-not-increasing"
ORDER_CONTRADICTED = "ordered-contradicted"
MONTE_CARLO_USED = "monte-carlo-used"
EXACT_OVER_AUTO_BUDGET = "exact-over-auto-budget"
BENCHMARK_ONE_ARM = "benchmark-one-arm"
TIME_DESIGN_WITHOUT_CLOCK = "time-design-without-clock"
# Problem codes
EXACT_NOT_AVAILABLE = "exact-not-available"


class ProtocolError(ValueError):
    """A protocol (or part of one) that cannot be used, with every problem found."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutcomeStringError(ValueError):
    """An outcome string that does not parse, pointing at the offending character."""

    def __init__(self, text: str, position: int, message: str):
        self.text = text
        self.position = position
        pointer = " " * position + "^"
        super().__init__(f"{message} (character {position + 1})\n  {text}\n  {pointer}")


class DesignError(RuntimeError):
    """A design broke the engine's contract (a bug in the design, not in the user's input)."""
