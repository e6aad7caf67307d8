"""Run a protocol: choose exact or Monte Carlo, run the engine, and summarise the OCs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

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


def run_protocol(protocol: Protocol, method: str | None = None, trials: int | None = None,
                 seed: int | None = None) -> Result:
    """OCs of the protocol; method "exact", "monte-carlo" or "auto" (exact where feasible)."""
    method = method or protocol.method
    if trials is not None or seed is not None:
        protocol = protocol.with_changes(**({"trials": trials} if trials is not None else {}),
                                         **({"seed": seed} if seed is not None else {}))
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
