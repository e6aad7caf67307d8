"""Run a protocol: choose exact or Monte Carlo, run the engine, and summarise the OCs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .arms.engine import simulate_two_arms
from .arms.oc import JointOC, exact_two_arms, summarise_two_arms
from .arms.process import TwoArmProcess
from .engine import ExactTooLarge, enumerate_exact, simulate
from .errors import Problem, ProtocolError
from .oc import OperatingCharacteristics, summarise
from .protocol import Protocol


@dataclass(frozen=True)
class Result:
    """A protocol's operating characteristics, with how they were obtained."""

    protocol: Protocol
    oc: OperatingCharacteristics
    note: str | None = None  # e.g. why Monte Carlo was used where exact was possible

    def to_dict(self) -> dict[str, Any]:
        """The command line's JSON object: the contract's keys, then context."""
        p = self.protocol
        out = self.oc.to_dict()
        out.update({
            "title": p.title,
            "target": p.target,
            "doses": [d.label for d in p.doses],
            "truth": list(p.truth),
            "start_dose": p.start_dose,
            "design": p.design.to_json(),
            "seed": p.seed if self.oc.method == "monte-carlo" else None,
            "warnings": list(p.warnings) + ([self.note] if self.note else []),
        })
        return out


@dataclass(frozen=True)
class TwoArmResult:
    """Per-arm and joint OCs of a two-arm protocol."""

    protocol: Protocol
    arms: list[OperatingCharacteristics]
    joint: JointOC
    note: str | None = None

    @property
    def method(self) -> str:
        """"exact" or "monte-carlo"."""
        return self.arms[0].method

    def to_dict(self) -> dict[str, Any]:
        """The command line's JSON object for two arms: {"arms": [...], "joint": {...}} plus context."""
        p = self.protocol
        assert p.arm_design is not None
        arms = []
        for spec, oc in zip(p.arms, self.arms):
            arms.append({"name": spec.name, **oc.to_dict(), "doses": [d.label for d in spec.doses],
                         "truth": list(spec.truth), "start_dose": spec.start_dose, "design": spec.design.to_json()})
        return {
            "method": self.method, "trials": self.arms[0].trials, "arms": arms, "joint": self.joint.to_dict(),
            "title": p.title, "target": p.target, "arm_design": p.arm_design.to_json(),
            "seed": p.seed if self.method == "monte-carlo" else None,
            "warnings": list(p.warnings) + ([self.note] if self.note else []),
        }


def _with_overrides(protocol: Protocol, trials: int | None, seed: int | None) -> Protocol:
    if trials is None and seed is None:
        return protocol
    return protocol.with_changes(**({"trials": trials} if trials is not None else {}),
                                 **({"seed": seed} if seed is not None else {}))


def run_two_arm_protocol(protocol: Protocol, method: str | None = None, trials: int | None = None,
                         seed: int | None = None) -> TwoArmResult:
    """Per-arm and joint OCs of a two-arm protocol, exact where feasible in "auto"."""
    method = method or protocol.method
    protocol = _with_overrides(protocol, trials, seed)
    assert protocol.arm_design is not None
    designs = tuple(a.build_design(protocol.target) for a in protocol.arms)
    process = TwoArmProcess(designs, protocol.arm_design)  # type: ignore[arg-type]
    truths = (np.asarray(protocol.arms[0].truth), np.asarray(protocol.arms[1].truth))
    note = None
    if method in ("exact", "auto"):
        try:
            return TwoArmResult(protocol, *exact_two_arms(process, truths, protocol.target))
        except ExactTooLarge as e:
            if method == "exact":
                raise ProtocolError(Problem("method", f"exact results are not available: {e}. "
                                                      f"Use --monte-carlo (or \"method\": \"monte-carlo\").")) from None
            note = f"Monte Carlo used: {e}"
    res = simulate_two_arms(process, truths, protocol.trials, np.random.default_rng(protocol.seed))
    return TwoArmResult(protocol, *summarise_two_arms(process, res, truths, protocol.target), note)


def run_protocol(protocol: Protocol, method: str | None = None, trials: int | None = None,
                 seed: int | None = None) -> Result | TwoArmResult:
    """OCs of the protocol; method "exact", "monte-carlo" or "auto" (exact where feasible)."""
    if protocol.two_arm:
        return run_two_arm_protocol(protocol, method, trials, seed)
    method = method or protocol.method
    protocol = _with_overrides(protocol, trials, seed)
    design = protocol.build_design()
    truth = np.asarray(protocol.truth)
    interval = design.acceptable_interval()
    note = None
    if method in ("exact", "auto"):
        try:
            res = enumerate_exact(design, truth)
            return Result(protocol, summarise(res, truth, protocol.target, interval))
        except ExactTooLarge as e:
            if method == "exact":
                raise ProtocolError(Problem("method", f"exact results are not available: {e}. "
                                                      f"Use --monte-carlo (or \"method\": \"monte-carlo\").")) from None
            note = f"Monte Carlo used: {e}"
    rng = np.random.default_rng(protocol.seed)
    res = simulate(design, truth, protocol.trials, rng)
    return Result(protocol, summarise(res, truth, protocol.target, interval), note)
