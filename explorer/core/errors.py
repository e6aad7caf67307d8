"""Errors raised by the core, each carrying messages a user can act on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it was, and what would be valid."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


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
