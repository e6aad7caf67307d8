"""The trial model: a scenario (target, one or more arms, each with its ladder and truth), the designs that run it,
and the run settings. Parsed and validated by `validation`, read and written as files by `protocol_file`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .arms.spec import ArmDesign
from .clock.spec import TimeModel, arm_time_changes
from .designs import find_design
from .designs.base import Design
from .errors import Notice

DEFAULT_TRIALS = 10_000
DEFAULT_SEED = 2024
METHODS = ("auto", "exact", "monte-carlo")


@dataclass(frozen=True)
class Dose:
    """One rung of a dose ladder."""

    label: str
    value: float | None = None
    unit: str | None = None

    def to_json(self) -> str | dict[str, Any]:
        """A plain label when that is all there is, else an object."""
        if self.value is None and self.unit is None:
            return self.label
        out: dict[str, Any] = {"label": self.label}
        if self.value is not None:
            out["value"] = self.value
        if self.unit is not None:
            out["unit"] = self.unit
        return out


def ladder_values(doses: tuple[Dose, ...]) -> tuple[float, ...] | None:
    """The numeric dose of each level when every dose has one (the validator allows all or none), else None."""
    values = [d.value for d in doses]
    return None if any(v is None for v in values) else tuple(float(v) for v in values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class DesignSpec:
    """A design method with every option resolved (defaults filled in)."""

    method: str
    options: dict[str, Any] = field(default_factory=dict)

    def build(self, n_doses: int, target: float, start_dose: int,
              ladder_values: tuple[float, ...] | None = None) -> Design:
        """The design object for a ladder of n_doses (start_dose 1-based), with the ladder's numeric doses if any."""
        cls = find_design(self.method)
        assert cls is not None
        return cls(n_doses, target, start_dose - 1, ladder_values=ladder_values, **self.options)

    def to_json(self) -> dict[str, Any]:
        """As written in a protocol file."""
        return {"method": self.method, **{k: (list(v) if isinstance(v, tuple) else v)
                                          for k, v in self.options.items()}}

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_json(), sort_keys=True))


@dataclass(frozen=True)
class Arm:
    """One arm: its name (None in a one-arm trial), truth, ladder, design and start level (1-based), and its own
    clock where its DLT window settings differ from the trial's (None: the protocol's `time`)."""

    name: str | None
    truth: tuple[float, ...]
    doses: tuple[Dose, ...]
    design: DesignSpec
    start_dose: int = 1
    time: TimeModel | None = None

    @property
    def n_doses(self) -> int:
        """Number of doses in the arm's ladder."""
        return len(self.doses)

    @property
    def labels(self) -> list[str]:
        """The dose labels, lowest first."""
        return [d.label for d in self.doses]

    def build_design(self, target: float, design: DesignSpec | None = None) -> Design:
        """The design object of this arm (its own design, or the one given) for its ladder, target and start."""
        return (design or self.design).build(self.n_doses, target, self.start_dose, ladder_values(self.doses))

    def to_json(self) -> dict[str, Any]:
        """As written in a two-arm protocol file (everything explicit)."""
        return {"name": self.name, "truth": list(self.truth), "doses": [d.to_json() for d in self.doses],
                "design": self.design.to_json(), "start_dose": self.start_dose}


@dataclass(frozen=True)
class Candidate:
    """One way to run the trial: a design for each arm (the protocol's own designs, or one of `compare`)."""

    designs: tuple[DesignSpec, ...]

    @property
    def method(self) -> str:
        """The design method(s) as a short name ("boin", or "boin/crm" when the arms differ)."""
        return "/".join(dict.fromkeys(d.method for d in self.designs))


@dataclass(frozen=True)
class Protocol:
    """Everything needed to reproduce a result: the scenario (target, arms), the designs and the run settings."""

    target: float
    arms: tuple[Arm, ...]
    arm_design: ArmDesign | None = None  # how two arms share the trial (None for one arm)
    #: Designs to compare with the arms' own on common patients (`phase1-explorer compare`); `simulate` ignores them.
    compare: tuple[DesignSpec, ...] = ()
    trials: int = DEFAULT_TRIALS
    seed: int = DEFAULT_SEED
    method: str = "auto"
    title: str | None = None
    description: str | None = None
    warnings: tuple[Notice, ...] = field(default=(), compare=False)
    #: The trial's clock (accrual, DLT window, pending policy): None, every outcome known at once (no duration).
    time: TimeModel | None = None

    def arm_times(self) -> tuple[TimeModel, ...] | None:
        """Each arm's clock (its own, or the protocol's), or None without a clock."""
        if self.time is None:
            return None
        return tuple(a.time or self.time for a in self.arms)

    def candidates(self, others: tuple[DesignSpec, ...] | list[DesignSpec] | None = None) -> tuple[Candidate, ...]:
        """The arms' own designs first, then each design to compare (the protocol's `compare`, or `others`), applied
        to every arm."""
        own = Candidate(tuple(a.design for a in self.arms))
        rest = self.compare if others is None else tuple(others)
        return (own, *(Candidate((d,) * len(self.arms)) for d in rest))

    def build_designs(self, candidate: Candidate | None = None) -> tuple[Design, ...]:
        """The design object of each arm for a candidate (default: the arms' own designs)."""
        specs = candidate.designs if candidate is not None else tuple(a.design for a in self.arms)
        return tuple(a.build_design(self.target, d) for a, d in zip(self.arms, specs))

    def with_changes(self, **changes: Any) -> Protocol:
        """A copy with some fields of its file form changed, validated again."""
        from .validation import protocol_from_dict

        return protocol_from_dict({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """The protocol as a JSON object (loadable by `phase1-explorer simulate`)."""
        out: dict[str, Any] = {}
        if self.title is not None:
            out["title"] = self.title
        if self.description is not None:
            out["description"] = self.description
        out["target"] = self.target
        if self.arm_design is not None:
            arms = [a.to_json() for a in self.arms]
            for a, j in zip(self.arms, arms):
                if a.time is not None and self.time is not None and arm_time_changes(self.time, a.time):
                    j["time"] = arm_time_changes(self.time, a.time)
            out.update({"arms": arms, "arm_design": self.arm_design.to_json()})
        else:
            arm = self.arms[0]
            out.update({"doses": [d.to_json() for d in arm.doses], "truth": list(arm.truth),
                        "start_dose": arm.start_dose, "design": arm.design.to_json()})
        if self.time is not None:
            out["time"] = self.time.to_json()
        out.update({"trials": self.trials, "seed": self.seed})
        if self.compare:
            out["compare"] = [d.to_json() for d in self.compare]
        if self.method != "auto":
            out["method"] = self.method
        return out

    def to_json(self) -> str:
        """The protocol file's text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"


__all__ = ["Arm", "Candidate", "DEFAULT_SEED", "DEFAULT_TRIALS", "Dose", "DesignSpec", "METHODS", "Protocol",
           "ladder_values"]
