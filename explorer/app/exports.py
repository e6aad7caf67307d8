"""What the download links hold: the protocol file and the OCs as CSV (one block per design compared)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..core.oc import OperatingCharacteristics
from ..core.protocol import Protocol
from ..core.runner import Result, TwoArmResult
from ..reports import result_as_csv

if TYPE_CHECKING:
    from .compute_arms import TwoArmOCs


def _with_design_column(protocols: list[Protocol], blocks: list[str]) -> str:
    """One CSV from one block per design, with a leading `design` column when several are compared."""
    if len(blocks) == 1:
        return blocks[0]
    out: list[str] = []
    for p, block in zip(protocols, blocks):
        lines = block.splitlines()
        if not out:
            out.append("design," + lines[0])
        out += [f'"{p.design.method}",{line}' for line in lines[1:]]
    return "\n".join(out) + "\n"


def oc_csv(protocols: list[Protocol], ocs: list[OperatingCharacteristics]) -> str:
    """The reports module's CSV for each design, with a leading `design` column when several are compared."""
    return _with_design_column(protocols, [result_as_csv(Result(p, oc)) for p, oc in zip(protocols, ocs)])


def two_arm_csv(protocols: list[Protocol], ocs: list[TwoArmOCs]) -> str:
    """The reports module's two-arm CSV (an `arm` column, joint rows) for each design, as `oc_csv` does."""
    return _with_design_column(protocols, [result_as_csv(TwoArmResult(p, list(o.arms), o.joint))
                                           for p, o in zip(protocols, ocs)])


def file_stem(protocol: Protocol) -> str:
    """A file name stem from the protocol's title or design, e.g. 'car4sar-like-3-3'."""
    text = protocol.title or f"protocol-{protocol.design.method}"
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "protocol"
