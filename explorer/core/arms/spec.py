"""How two arms share a trial: the arm design's options, declared once for the validator, CLI and app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..designs.base import Option
from ..errors import Problem

MODES = ("independent", "staggered", "ordered")
ASSIGNMENTS = ("b_first", "alternate", "a_first", "random")

ARM_DESIGN_OPTIONS = (
    Option("mode", "choice", "staggered",
           "independent: two separate trials; staggered: Arm B treats a dose only after Arm A has cleared it; "
           "ordered: Arm B assumed at least as toxic as Arm A (B never selected above A, A's eliminations apply to B)",
           choices=MODES, label="How the arms run",
           choice_labels=("independently", "staggered: B follows A", "ordered: B at least as toxic as A")),
    Option("max_total", "int", None, "overall cap on patients in both arms (none: each arm's own cap only)",
           low=1, high=1000, default_text="none", label="Patients in both arms, at most"),
    Option("eligible_b", "float", 0.5, "fraction of patients eligible for Arm B (accessible lesion)", low=0.0,
           high=1.0, label="Share eligible for Arm B"),
    Option("assignment", "choice", "b_first",
           "who gets a patient eligible for both open arms: Arm B first, alternately, Arm A first (B only when A is "
           "closed) or at random (a fair coin)", choices=ASSIGNMENTS, label="Patient eligible for both goes to",
           choice_labels=("Arm B first", "alternately", "Arm A first", "at random")),
    Option("offset", "int", 1, "staggered: Arm B trails Arm A by this many levels (1: B treats a level once A "
           "has cleared it)", low=0, high=11, label="Arm B trails by (levels)"),
)


@dataclass(frozen=True)
class ArmDesign:
    """The arm design: mode, overall cap, Arm B eligibility, assignment rule, staggering offset."""

    mode: str = "staggered"
    max_total: int | None = None
    eligible_b: float = 0.5
    assignment: str = "b_first"
    offset: int = 1

    def to_json(self) -> dict[str, Any]:
        """As written in a protocol file."""
        return {"mode": self.mode, "max_total": self.max_total, "eligible_b": self.eligible_b,
                "assignment": self.assignment, "offset": self.offset}


def parse_arm_design(raw: Any, problems: list[Problem], where: str = "arm_design") -> ArmDesign | None:
    """Validate an arm_design object against the declared options."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.append(Problem(where, f"{raw!r} is not an object; give e.g. "
                                       f'{{"mode": "staggered", "max_total": 18, "eligible_b": 0.5}}.'))
        return None
    known = {o.name: o for o in ARM_DESIGN_OPTIONS}
    values: dict[str, Any] = {}
    bad = False
    for k, v in raw.items():
        if k not in known:
            problems.append(Problem(f"{where}.{k}", f'"{k}" is not an arm design option; valid: '
                                                   f"{', '.join(known)}."))
            bad = True
            continue
        if k == "max_total" and v is None:
            values[k] = None
            continue
        value, p = known[k].check(v, f"{where}.{k}")
        problems += p
        bad |= bool(p)
        values[k] = value
    return None if bad else ArmDesign(**values)
